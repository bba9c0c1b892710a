import { resolve } from 'node:path';

export interface EmbeddedDatabase {
  /** A postgres:// URL for `pg`, on loopback only. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * PGlite persisted under `dataDir`, served over the Postgres wire protocol on 127.0.0.1 so the
 * service talks to it through exactly the `pg` code it uses against a real server.
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  // The directory exists: its lock was taken first (data-dir-lock.ts).
  const dir = resolve(dataDir);
  // Loaded here, not at the top: a server with DATABASE_URL never pays for PGlite's code (the
  // bundler hoists static imports, even of a module only imported on demand).
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-socket'),
  ]);
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
