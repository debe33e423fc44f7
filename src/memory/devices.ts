/**
 * Peak memory bandwidths of a few devices, from their makers' published specifications, in bytes per
 * second (decimal units, as the makers quote them: 1 GB/s = 10^9 bytes/s). A peak is a ceiling: real
 * kernels reach part of it, so a time computed from it is a floor.
 */
export interface DevicePreset {
  name: string;
  /** What the maker calls it. */
  label: string;
  bytesPerSecond: number;
  source: string;
}

export const DEVICE_PRESETS: readonly DevicePreset[] = [
  {
    name: 'a100-40gb-sxm',
    label: 'NVIDIA A100 40GB SXM',
    bytesPerSecond: 1_555_000_000_000,
    source: 'NVIDIA A100 Tensor Core GPU datasheet: A100 40GB SXM, GPU memory bandwidth 1,555 GB/s (HBM2)',
  },
  {
    name: 'a100-80gb-sxm',
    label: 'NVIDIA A100 80GB SXM',
    bytesPerSecond: 2_039_000_000_000,
    source: 'NVIDIA A100 Tensor Core GPU datasheet: A100 80GB SXM, GPU memory bandwidth 2,039 GB/s (HBM2e)',
  },
  {
    name: 'h100-sxm',
    label: 'NVIDIA H100 SXM',
    bytesPerSecond: 3_350_000_000_000,
    source: 'NVIDIA H100 Tensor Core GPU datasheet: H100 SXM, GPU memory bandwidth 3.35 TB/s (HBM3)',
  },
  {
    name: 'rtx-4090',
    label: 'NVIDIA GeForce RTX 4090',
    bytesPerSecond: 1_008_000_000_000,
    source: 'NVIDIA Ada Lovelace GPU architecture whitepaper: GeForce RTX 4090, 24 GB GDDR6X at 21 Gbps on a 384-bit bus, 1,008 GB/s',
  },
  {
    name: 'apple-m2',
    label: 'Apple M2',
    bytesPerSecond: 100_000_000_000,
    source: 'Apple Newsroom, "Apple unveils M2" (June 2022): 100GB/s of unified memory bandwidth',
  },
  {
    name: 'apple-m2-ultra',
    label: 'Apple M2 Ultra',
    bytesPerSecond: 800_000_000_000,
    source: 'Apple Newsroom, "Apple introduces M2 Ultra" (June 2023): 800GB/s of unified memory bandwidth',
  },
];

export const DEVICE_NAMES = DEVICE_PRESETS.map((d) => d.name);

/** The device of that name (case-insensitive), or undefined. */
export function findDevice(name: string): DevicePreset | undefined {
  const wanted = name.toLowerCase();
  return DEVICE_PRESETS.find((d) => d.name === wanted);
}
