'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { Cart } = require('../src/cart.js');

test('small orders pay shipping', () => {
  const cart = new Cart();
  cart.add('mug', 1200, 2);
  assert.deepEqual(cart.totals(), { subtotal: 2400, discount: 0, shipping: 495, total: 2895 });
});

test('free shipping from 50.00', () => {
  const cart = new Cart();
  cart.add('kettle', 4500);
  cart.add('tea', 500);
  assert.equal(cart.totals().shipping, 0);
});

test('the threshold applies after the promo discount', () => {
  const cart = new Cart();
  cart.add('kettle', 5200);
  cart.applyPromo('WELCOME10');
  assert.deepEqual(cart.totals(), { subtotal: 5200, discount: 520, shipping: 495, total: 5175 });
});

test('bad input is refused', () => {
  const cart = new Cart();
  assert.throws(() => cart.add('x', -1), RangeError);
  assert.throws(() => cart.applyPromo('FREE'), /unknown promo/);
  assert.equal(cart.totals().total, 0);
});
