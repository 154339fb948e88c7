// The tiny database seam the SQL store runs on: the same SQL and `$1` parameters on
// PostgreSQL (pg Pool) and PGlite (Postgres in WASM).

/** Something that runs one SQL statement: the database itself or an open transaction. */
export interface Queryable {
  /** Run `sql` with `$1…$n` parameters; rows come back with column names as keys. */
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Run `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
