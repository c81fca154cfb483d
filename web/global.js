// The classic-script build (basketlift.global.js): window.basketlift with the whole browser API,
// the cart adapters, and <basketlift-recommendations> defined, for theme systems that only take a
// <script src>.
export * from './browser.js';
export { shopifyCart, wooCommerceCart } from './adapters.js';
export { ADD_EVENT, ERROR_EVENT, RecommendationsElement, defineRecommendationsElement } from './element.js';
