--[[ autoclaim-1: XAUTOCLAIM as Redis does it, adding each claimed entry's delivery count, and
stopping after the entry whose bytes (ID, field names and values) reach a budget; the cursor
answered then continues right after it. Without JUSTID it claims one entry per XAUTOCLAIM
(COUNT 1, at most `count` calls: each scans at most 10 pending entries, so the whole call
scans at most 10 × count, as XAUTOCLAIM COUNT count does), so nothing is claimed that is not
answered; with JUSTID, one XAUTOCLAIM (no data).

KEYS[1] stream
ARGV[1] group, ARGV[2] consumer, ARGV[3] min-idle-time, ARGV[4] start, ARGV[5] count,
ARGV[6] '1' for JUSTID, ARGV[7] byte budget

Returns {next cursor, entries, deleted IDs}; entries are flat {id, fields, deliveryCount, ...},
or the claimed IDs with JUSTID
Errors: NOSTREAM, WRONGTYPE, NOGROUP
]]
sg_stream(KEYS[1])
local group, consumer, min_idle = ARGV[1], ARGV[2], ARGV[3]
local count, budget = tonumber(ARGV[5]), tonumber(ARGV[7])
if ARGV[6] == '1' then
  return redis.call('XAUTOCLAIM', KEYS[1], group, consumer, min_idle, ARGV[4], 'COUNT', count, 'JUSTID')
end
local cursor, out, deleted, claimed, total = ARGV[4], {}, {}, 0, 0
for _ = 1, count do
  local r = redis.call('XAUTOCLAIM', KEYS[1], group, consumer, min_idle, cursor, 'COUNT', 1)
  cursor = r[1]
  for _, id in ipairs(r[3]) do deleted[#deleted + 1] = id end
  for _, e in ipairs(r[2]) do
    claimed = claimed + 1
    total = total + sg_push_counted(out, KEYS[1], group, e)
  end
  if cursor == '0-0' or claimed >= count or total >= budget then break end
end
return { cursor, out, deleted }
