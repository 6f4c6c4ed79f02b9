/** The text of the first ```yaml fenced block in Markdown whose first line is `# <file>` (a recipe that names the file it goes in), or undefined. */
export function yamlBlockFor(markdown: string, file: string): string | undefined {
  for (const m of markdown.matchAll(/```yaml\n([\s\S]*?)```/g)) if (m[1].startsWith(`# ${file}\n`)) return m[1];
  return undefined;
}
