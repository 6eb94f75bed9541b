/** The wire protocol in one import: constants, control messages, frame layouts and codecs. */
export * from './constants.js';
export * from './frame-layout.js';
export * from './messages.js';
export * from './frames.js';
export * from './control-schema.js';
export * from './number-ranges.js';
