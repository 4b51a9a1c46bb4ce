import type { Redis } from 'ioredis';

/** An entry as pull-5.lua lists it: ID, fields (null: deleted while pending), delivery count. */
export type PackedEntry = [id: Buffer | string, fields: [Buffer, Buffer][] | null, count: number];

/**
 * Packs `entries` in Redis with its own cmsgpack.pack, as pull-5.lua packs the flat list
 * `{id, fields|false, deliveryCount, ...}` it returns.
 */
export async function packInRedis(redis: Redis, entries: readonly PackedEntry[]): Promise<Buffer> {
  const args: (Buffer | string)[] = [];
  for (const [id, fields, count] of entries) {
    args.push(id, fields === null ? '-' : String(fields.length), String(count));
    for (const [n, v] of fields ?? []) args.push(n, v);
  }
  const lua = `
    local out, i = {}, 1
    while i <= #ARGV do
      local id, nf, count = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
      i = i + 3
      local fields = false
      if nf ~= '-' then
        fields = {}
        for k = 1, 2 * tonumber(nf) do fields[k] = ARGV[i]; i = i + 1 end
      end
      out[#out + 1] = id; out[#out + 1] = fields; out[#out + 1] = count
    end
    return cmsgpack.pack(out)`;
  return (await redis.callBuffer('EVAL', lua, 0, ...args)) as Buffer;
}
