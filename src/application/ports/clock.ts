/** The current time; a port so that expiry rules can be tested with a frozen clock. */
export interface Clock {
  /** UNIX epoch seconds, with decimals. */
  nowSeconds(): number;
}
