// What the store keeps about one customer, for the rights of access (GDPR art. 15/20: export) and
// erasure (art. 17): the tables that hold a customer's data and what erasure does to each.

/** Every stored row about one customer, table by table, as the database holds it (column names as keys). */
export interface CustomerData {
  customerId: string;
  /** Table name → rows (snake_case columns; timestamps as ISO text). */
  tables: Record<string, Array<Record<string, unknown>>>;
}

/** What an erasure did, table by table: rows deleted or anonymised, and rows kept as they were. */
export interface ErasureCounts {
  deleted: Record<string, number>;
  anonymised: Record<string, number>;
  kept: Record<string, number>;
}

/** The store's part in exporting and erasing one customer's personal data. */
export interface PersonalDataStore {
  /** Every row that names the customer (plus suppressions of their addresses and audit entries about them and their runs). */
  exportCustomer(customerId: string): Promise<CustomerData>;
  /**
   * In one transaction: the profile, push subscriptions and identity links deleted; events,
   * messages, survey answers, steps, runs and webhook calls anonymised (customer id replaced by
   * `pseudonym`, also inside workflow ids and message keys; contents, addresses, comments, event
   * properties and traits removed), so reports keep their counts and a retried messageId stays a
   * duplicate. Consent history, suppressions and the audit log are kept (proof of consent, never
   * writing to a suppressed address again, accountability).
   */
  eraseCustomer(customerId: string, pseudonym: string): Promise<ErasureCounts>;
  /** The customer's workflow ids known to the store (entries, runs, messages), for the Temporal side of an erasure. */
  workflowIdsOf(customerId: string): Promise<string[]>;
}
