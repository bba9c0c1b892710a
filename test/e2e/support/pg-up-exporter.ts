import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'pg';

/**
 * A stand-in for postgres_exporter's `pg_up`: on every scrape it runs `SELECT 1` on the real
 * PostgreSQL and reports 1 when that answered, 0 otherwise (the exporter's meaning of pg_up).
 */
export class PgUpExporter {
  private constructor(private readonly server: Server) {}

  static async start(pool: Pool): Promise<PgUpExporter> {
    const server = createServer(async (req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      const up = await pool.query('SELECT 1').then(
        () => 1,
        () => 0,
      );
      res
        .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
        .end(
          `# HELP pg_up Whether the last scrape of metrics from PostgreSQL was able to connect to the server (1 for yes, 0 for no).\n# TYPE pg_up gauge\npg_up ${up}\n`,
        );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new PgUpExporter(server);
  }

  get target(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
