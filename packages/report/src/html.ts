/** PLACEHOLDER (issue 9): writes OUT/report.html; returns its path, or null when nothing was written. */
export async function writeReport(_outDir: string): Promise<string | null> {
  return null;
}
