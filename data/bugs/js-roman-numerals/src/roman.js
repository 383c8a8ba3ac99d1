'use strict';
// Roman numerals for chapter and clause numbering (1 to 3999).

const NUMERALS = [
  [1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'],
  [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I'],
];
const VALUES = { I: 1, V: 5, X: 10, L: 50, C: 100, D: 500, M: 1000 };

function toRoman(n) {
  if (!Number.isInteger(n) || n < 1 || n > 3999) throw new RangeError(`cannot write ${n} in Roman numerals`);
  let out = '';
  for (const [value, symbol] of NUMERALS) {
    while (n >= value) {
      out += symbol;
      n -= value;
    }
  }
  return out;
}

function fromRoman(text) {
  const s = text.trim().toUpperCase();
  if (!/^[IVXLCDM]+$/.test(s)) throw new SyntaxError(`not a Roman numeral: ${text}`);
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const value = VALUES[s[i]];
    const next = i + 1 < s.length ? VALUES[s[i + 1]] : 0;
    if (value <= next) total -= value;
    else total += value;
  }
  if (toRoman(total) !== s) throw new SyntaxError(`not a canonical Roman numeral: ${text}`);
  return total;
}

module.exports = { toRoman, fromRoman };
