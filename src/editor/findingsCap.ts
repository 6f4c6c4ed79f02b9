// The cap on files listed in the Problems panel (attackLens.diagnostics.scope "workspace"), without
// vscode so the unit tests hold it to its word: files in the order given, the first `cap` that show
// something are published, the others with findings are only counted.

export interface CappedPublish<T> {
  /** The files published, in order. */
  readonly published: readonly T[];
  /** Files with findings left out by the cap. */
  readonly leftOut: number;
}

export function publishCapped<T>(files: readonly T[], cap: number, hasFindings: (file: T) => boolean, publish: (file: T) => boolean): CappedPublish<T> {
  const published: T[] = [];
  let leftOut = 0;
  for (const file of files) {
    if (!hasFindings(file)) continue;
    if (published.length >= cap) leftOut++;
    else if (publish(file)) published.push(file);
  }
  return { published, leftOut };
}
