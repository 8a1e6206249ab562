// The README points into docs/ for everything it no longer tells, and the docs point at each other,
// at the code and at bench/README.md: every relative link must lead to a file or folder that
// exists, and every #anchor to a heading of its page (as GitHub names headings).

import { assertEquals } from "@std/assert";

const PAGES = ["README.md", "CONTRIBUTING.md"];
for await (const entry of Deno.readDir("docs")) {
  if (entry.isFile && entry.name.endsWith(".md")) PAGES.push(`docs/${entry.name}`);
}

/** The text of a Markdown page outside its fenced code blocks and inline code spans. */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replaceAll(" ", "-");
}

/** The anchors of a page's headings, numbered as GitHub numbers repeated ones. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const [, text] of prose(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(text!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  return found;
}

/** The folder a page sits in, for resolving its relative links. */
function folderOf(page: string): string {
  return page.includes("/") ? page.slice(0, page.lastIndexOf("/") + 1) : "";
}

/** `path` with `.` and `..` segments resolved, relative to the repository's root. */
function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "." && part !== "") parts.push(part);
  }
  return parts.join("/");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path === "" ? "." : path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

Deno.test("every relative link and anchor in README.md, CONTRIBUTING.md and docs/ leads somewhere", async () => {
  const broken: string[] = [];
  const texts = new Map<string, string>();
  const read = async (path: string) => {
    if (!texts.has(path)) texts.set(path, await Deno.readTextFile(path));
    return texts.get(path)!;
  };
  for (const page of PAGES) {
    const text = prose(await read(page)).replace(/`[^`\n]*`/g, "");
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target!)) continue; // https:, mailto: and the like
      const [file, anchor] = target!.split("#") as [string, string | undefined];
      const path = file === "" ? page : normalize(folderOf(page) + file);
      if (!await exists(path)) {
        broken.push(`${page}: ${target} (no ${path})`);
      } else if (anchor !== undefined) {
        if (!path.endsWith(".md")) broken.push(`${page}: ${target} (an anchor into ${path})`);
        else if (!anchors(await read(path)).has(anchor)) {
          broken.push(`${page}: ${target} (no heading '${anchor}' in ${path})`);
        }
      }
    }
  }
  assertEquals(broken, []);
});

Deno.test("headings are named as GitHub names them", () => {
  assertEquals(slug("A `.env` file"), "a-env-file");
  assertEquals(slug("`launchAndWait()` and its cleanup"), "launchandwait-and-its-cleanup");
  assertEquals(slug("`instances launch --wait`"), "instances-launch---wait");
  assertEquals(
    slug("Rate-limited throughput, eight processes with one key (`shared_budget.ts`)"),
    "rate-limited-throughput-eight-processes-with-one-key-shared_budgetts",
  );
  assertEquals([...anchors("# A\n\n```sh\n# not a heading\n```\n\n## A\n")], ["a", "a-1"]);
});
