'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { stringify, parse, withQuery } = require('../src/query.js');

test('keys are sorted and arrays repeat', () => {
  assert.equal(stringify({ page: 2, tag: ['tea', 'green'], empty: null }), 'page=2&tag=tea&tag=green');
});

test('special characters are escaped', () => {
  assert.equal(stringify({ q: 'tea & cake', sort: 'price=asc' }), 'q=tea%20%26%20cake&sort=price%3Dasc');
});

test('parse undoes stringify', () => {
  const params = { q: 'fish & chips?', tag: ['a b', 'c'] };
  assert.deepEqual(parse(stringify(params)), params);
  assert.deepEqual(parse('?q=green+tea&flag'), { q: 'green tea', flag: '' });
});

test('withQuery appends to existing queries', () => {
  assert.equal(withQuery('/search?lang=en', { q: 'x' }), '/search?lang=en&q=x');
  assert.equal(withQuery('/search', {}), '/search');
});
