/** A page of a list, as every list endpoint answers: the items and the cursor of the next page (null: last). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
