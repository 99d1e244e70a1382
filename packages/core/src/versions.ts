/** tfpairs' own version; stage versions live beside each stage and are stamped into provenance. */
export const TFPAIRS_VERSION = '0.1.0';
