'use strict';
// Build and parse URL query strings for the search page's shareable links.
// Arrays become repeated keys (tag=a&tag=b); null and undefined values are left out.

function encodePair(key, value) {
  return `${encodeURIComponent(key)}=${String(value)}`;
}

function stringify(params) {
  const parts = [];
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    if (value === null || value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) parts.push(encodePair(key, v));
  }
  return parts.join('&');
}

function parse(query) {
  const params = {};
  for (const part of query.replace(/^\?/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    if (key in params) params[key] = [].concat(params[key], value);
    else params[key] = value;
  }
  return params;
}

function withQuery(url, params) {
  const query = stringify(params);
  return query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url;
}

module.exports = { encodePair, stringify, parse, withQuery };
