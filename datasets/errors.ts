/** A data file is missing, truncated or malformed; the message names the file and the fix. */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DatasetError";
  }
}
