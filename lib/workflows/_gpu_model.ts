// How a GPU model someone types ("H100", "a10", "H100 80GB") is matched against an instance type:
// by whole runs of letters and digits, so that "A10" never finds an A100.

/**
 * A GPU model as a pattern of whole runs of letters and of digits, without regard to case: "A10"
 * finds "1x A10 (24 GB PCIe)" and `gpu_1x_a10`, never an A100; "H100 80GB" finds "H100 (80 GB
 * SXM5)" and `gpu_8x_h100_80gb_sxm5`; "H200" never finds a GH200.
 */
export function modelPattern(model: string): RegExp {
  const runs = model.toLowerCase().match(/[a-z]+|[0-9]+/g) ?? [];
  const kind = (run: string) => /[a-z]/.test(run) ? "[a-z]" : "[0-9]";
  // Whole at both ends: "L40" is not an L40S, "6000" not an A6000.
  let pattern = "(?<![a-z0-9])";
  runs.forEach((run, index) => {
    // Two runs of one kind are two words only with something between them.
    if (index > 0) pattern += kind(run) === kind(runs[index - 1]!) ? "[^a-z0-9]+" : "[^a-z0-9]*";
    pattern += run;
  });
  return new RegExp(`${pattern}(?![a-z0-9])`);
}

/** What a model is matched against: a type's GPU description and its name. */
export function modelText(name: string, gpuDescription: string): string {
  return `${gpuDescription} ${name}`.toLowerCase();
}
