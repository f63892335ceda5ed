/**
 * @module The Tesseract command-line tool as a peer to compare against in `lectern eval`:
 * one thread (`OMP_THREAD_LIMIT=1`; OpenMP's default threads make it several times slower on
 * a shared machine), English, default page segmentation. Lectern itself never uses it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface PeerReading {
  text: string;
  seconds: number;
}

/** The `tesseract` on PATH and its version, or undefined when there is none. */
export function findTesseractCli(): { version: string } | undefined {
  const probe = spawnSync('tesseract', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return undefined;
  const first = `${probe.stdout}${probe.stderr}`.split('\n')[0] ?? 'tesseract';
  return { version: first.trim() };
}

/**
 * Reads one image with the Tesseract CLI. `onSpawn` receives the child's pid, so a memory
 * meter can leave it out of Lectern's figures.
 */
export function runTesseractCli(
  imagePath: string,
  onSpawn: (pid: number) => void = () => {},
): Promise<PeerReading> {
  const started = performance.now();
  const child = spawn('tesseract', [imagePath, 'stdout', '-l', 'eng'], {
    env: { ...process.env, OMP_THREAD_LIMIT: '1' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  if (child.pid !== undefined) onSpawn(child.pid);

  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`tesseract exited with ${code} on ${imagePath}`));
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ text, seconds: (performance.now() - started) / 1000 });
    });
  });
}
