import * as http from 'node:http';

export interface SseEvent {
  id: number;
  type: string;
  data: unknown;
}

/**
 * Follows `GET /api/events` (Server-Sent Events) and hands every event to `onEvent`. Lets a benchmark learn the
 * moment runs finish without polling the API (polling would add its own load to what is measured).
 */
export function followEvents(baseUrl: string, onEvent: (e: SseEvent) => void): Promise<{ close(): void }> {
  const url = new URL('/api/events', baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: url.hostname, port: url.port, path: url.pathname, headers: { accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`GET /api/events answered ${res.statusCode}`));
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (chunk: string) => {
          buf += chunk;
          let end: number;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, end);
            buf = buf.slice(end + 2);
            let id = NaN;
            let type = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('id: ')) id = Number(line.slice(4));
              else if (line.startsWith('event: ')) type = line.slice(7);
              else if (line.startsWith('data: ')) data.push(line.slice(6));
            }
            if (data.length > 0) onEvent({ id, type, data: JSON.parse(data.join('\n')) as unknown });
          }
        });
        resolve({ close: () => req.destroy() });
      },
    );
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
  });
}
