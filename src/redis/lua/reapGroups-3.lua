--[[ reapGroups-3: the groups of a registered stream that reap, unregistering the stream
when it has none (or is no longer a stream), in one step with reading the policies, so a
policy written meanwhile (which registers the stream in its own step) is never missed.

KEYS[1] stream
KEYS[2] policy hash of the stream
KEYS[3] reap registry of the stream's slot (keys.reapRegistry)

Returns flat {group, leaseMs, reapIdleMs, ...}: the groups with reapIdleMs > 0 and leases
on (a hand-edited policy with leaseMs 0 does not reap: its messages could not be redelivered)
Errors: WRONGTYPE (the policy key holds another type); a missing stream, or a key of
another type, is not an error: it has no reaping groups and is unregistered
]]
local out = {}
if redis.call('TYPE', KEYS[1])['ok'] == 'stream' then
  local raw = redis.call('HGETALL', KEYS[2])
  for i = 1, #raw, 2 do
    -- Read as sg_policy reads it: an unreadable field is not a reaping one.
    local ok, p = pcall(cjson.decode, raw[i + 1])
    if ok and type(p) == 'table' then
      local lease = type(p.leaseMs) == 'number' and p.leaseMs or 0
      local reap = type(p.reapIdleMs) == 'number' and p.reapIdleMs or 0
      if reap > 0 and lease > 0 then
        out[#out + 1] = raw[i]
        out[#out + 1] = lease
        out[#out + 1] = reap
      end
    end
  end
end
if #out == 0 then redis.call('SREM', KEYS[3], KEYS[1]) end
return out
