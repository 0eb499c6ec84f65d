import { GatehouseError } from '../errors/GatehouseError.ts';

/** The document was refused as a whole: nothing was written. `problems` name each entry and field. */
export class ImportRejectedError extends GatehouseError {
  readonly problems: string[];

  constructor(problems: string[]) {
    const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
    super(`Nothing was imported: the document has ${count}.`, { status: 400, expose: true });
    this.problems = problems;
  }
}
