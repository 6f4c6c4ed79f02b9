// The cap on files listed in the Problems panel (attackLens.diagnostics.scope "workspace"), without
// vscode so the unit tests hold it to its word: files in the order given, the first `cap` that show
// something are published, the others with findings are only counted.

export interface CappedPublish<T> {
  /** The files published, in order. */
  readonly published: readonly T[];
  /** Files with findings left out by the cap. */
  readonly leftOut: number;
}

/**
 * `pause`, when given, is awaited after each file published and may stop the run (false): a
 * workspace of thousands of findings is published a slice at a time, not in one turn.
 */
export async function publishCapped<T>(files: readonly T[], cap: number, hasFindings: (file: T) => boolean, publish: (file: T) => boolean, pause?: () => Promise<boolean>): Promise<CappedPublish<T> | undefined> {
  const published: T[] = [];
  let leftOut = 0;
  for (const file of files) {
    if (!hasFindings(file)) continue;
    if (published.length >= cap) leftOut++;
    else {
      if (publish(file)) published.push(file);
      if (pause && !(await pause())) return undefined;
    }
  }
  return { published, leftOut };
}
