'use strict';
// Shopping-cart totals for the web shop: line items, a promo code and shipping, in cents.

const FREE_SHIPPING_FROM = 5000;
const SHIPPING = 495;
const PROMOS = { WELCOME10: 10, VIP25: 25 };

class Cart {
  constructor() {
    this.lines = new Map();
    this.promo = null;
  }

  add(sku, unitCents, quantity = 1) {
    if (!Number.isInteger(unitCents) || unitCents < 0 || quantity < 1) {
      throw new RangeError(`bad line for ${sku}`);
    }
    const line = this.lines.get(sku) || { unitCents, quantity: 0 };
    line.quantity += quantity;
    this.lines.set(sku, line);
  }

  applyPromo(code) {
    if (!(code in PROMOS)) throw new Error(`unknown promo code ${code}`);
    this.promo = code;
  }

  // Subtotal, discount, shipping (free once the discounted total reaches the threshold), total.
  totals() {
    let subtotal = 0;
    for (const { unitCents, quantity } of this.lines.values()) subtotal += unitCents * quantity;
    const discount = this.promo ? Math.round((subtotal * PROMOS[this.promo]) / 100) : 0;
    const total = subtotal - discount;
    const shipping = total === 0 || subtotal >= FREE_SHIPPING_FROM ? 0 : SHIPPING;
    return { subtotal, discount, shipping, total: total + shipping };
  }
}

module.exports = { Cart, FREE_SHIPPING_FROM, SHIPPING };
