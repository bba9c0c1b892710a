/** Bytes per chunk: about a thousand typical rows. A larger row gets a chunk of its own size. */
const CHUNK_BYTES = 256 * 1024;

/** A buffer being filled with rows; rows before `head` are already removed. */
class Chunk {
  readonly bytes: Buffer;
  /** Byte offset of the end of each row (rows average well over 64 bytes). */
  readonly ends: Uint32Array;
  written = 0;
  rows = 0;
  head = 0;

  constructor(size: number) {
    // Outside Node's shared pool: a chunk is held for as long as its oldest row waits.
    this.bytes = Buffer.allocUnsafeSlow(size);
    this.ends = new Uint32Array(Math.max(16, Math.floor(size / 64)));
  }

  fits(maxBytes: number): boolean {
    return this.rows < this.ends.length && this.bytes.length - this.written >= maxBytes;
  }

  start(row: number): number {
    return row === 0 ? 0 : this.ends[row - 1]!;
  }
}

/** The oldest rows, as views of the queue's buffers (valid until those rows are shifted). */
export interface RowBatch {
  readonly buffers: Buffer[];
  readonly rows: number;
  readonly bytes: number;
}

/**
 * A FIFO of encoded rows kept as UTF-8 in large buffers outside the JavaScript heap. Rows wait
 * here for tens of milliseconds, long enough to outlive a young-generation collection: held as
 * strings and objects they would be promoted and later cost full collections that pause every
 * request; here they cost the garbage collector nothing.
 */
export class RowQueue {
  readonly #chunkBytes: number;
  #chunks: Chunk[] = [];
  #spare: Chunk | undefined;
  #rows = 0;
  #bytes = 0;

  constructor(options: { chunkBytes?: number } = {}) {
    this.#chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  }

  get rows(): number {
    return this.#rows;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Appends one row made of `parts` (written one after the other: a large request's input is
   * copied into the buffer once, never first into a joined string); returns its size in bytes.
   */
  push(...parts: string[]): number {
    let length = 0;
    for (const part of parts) length += part.length;
    let tail = this.#chunks.at(-1);
    // UTF-8 needs at most three bytes per UTF-16 code unit; the exact size is measured only when
    // that bound does not fit (a large row), so a chunk is never allocated for nothing.
    if (!tail?.fits(length * 3)) {
      let size = 0;
      for (const part of parts) size += Buffer.byteLength(part, 'utf8');
      if (!tail?.fits(size)) {
        tail = this.#chunk(size);
        this.#chunks.push(tail);
      }
    }
    const start = tail.written;
    for (const part of parts) tail.written += tail.bytes.write(part, tail.written, 'utf8');
    tail.ends[tail.rows++] = tail.written;
    this.#rows++;
    this.#bytes += tail.written - start;
    return tail.written - start;
  }

  /**
   * The oldest rows after the first `skip` (those already sent), at least one when any is
   * there, up to `maxRows` and, past the first row, `maxBytes`. Nothing is removed: `shift` does
   * that once the rows are stored.
   */
  peek(maxRows: number, maxBytes: number, skip = 0): RowBatch {
    const buffers: Buffer[] = [];
    let rows = 0;
    let bytes = 0;
    for (const chunk of this.#chunks) {
      const first = chunk.head + Math.min(skip, chunk.rows - chunk.head);
      skip -= first - chunk.head;
      if (first === chunk.rows) continue;
      let row = first;
      while (row < chunk.rows && rows < maxRows) {
        const size = chunk.ends[row]! - chunk.start(row);
        if (rows > 0 && bytes + size > maxBytes) break;
        bytes += size;
        rows++;
        row++;
      }
      if (row > first) buffers.push(chunk.bytes.subarray(chunk.start(first), chunk.start(row)));
      if (row < chunk.rows) break;
    }
    return { buffers, rows, bytes };
  }

  /** Removes the `count` oldest rows (as returned by `peek`). */
  shift(count: number): void {
    let left = Math.min(count, this.#rows);
    while (left > 0) {
      const chunk = this.#chunks[0]!;
      const take = Math.min(left, chunk.rows - chunk.head);
      const size = chunk.start(chunk.head + take) - chunk.start(chunk.head);
      chunk.head += take;
      left -= take;
      this.#rows -= take;
      this.#bytes -= size;
      if (chunk.head === chunk.rows) this.#retire();
    }
  }

  /** Removes every row; returns how many there were. */
  clear(): number {
    const rows = this.#rows;
    while (this.#chunks.length > 0) this.#retire();
    this.#rows = 0;
    this.#bytes = 0;
    return rows;
  }

  /** Drops the emptied oldest chunk, keeping one standard chunk for reuse. */
  #retire(): void {
    const chunk = this.#chunks.shift()!;
    if (chunk.bytes.length === this.#chunkBytes && !this.#spare) {
      chunk.written = 0;
      chunk.rows = 0;
      chunk.head = 0;
      this.#spare = chunk;
    }
  }

  #chunk(room: number): Chunk {
    if (room <= this.#chunkBytes && this.#spare) {
      const chunk = this.#spare;
      this.#spare = undefined;
      return chunk;
    }
    return new Chunk(Math.max(this.#chunkBytes, room));
  }
}
