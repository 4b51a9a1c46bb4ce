--[[ pull-3: one pull of a consumer: reclaim expired leases (dead-lettering poison
messages), then read new messages, in one atomic step.

KEYS[1] stream
KEYS[2] policy hash of the stream
KEYS[3] dead-letter stream the caller believes the group uses
ARGV[1] group
ARGV[2] consumer
ARGV[3] count (>= 1)
ARGV[4] '1' for NOACK (new messages only, not tracked), else '0'
ARGV[5] default leaseMs, ARGV[6] default maxDeliveries, ARGV[7] default dead-letter stream
        (used when the group has no stored policy)
ARGV[8..] IDs to ack first (canonical), as ack-1 does without a consumer: whoever holds
        them, one XACK each (a REST or unary pull carrying the acks of its previous batch:
        acks and read in one round trip). NOSTREAM, WRONGTYPE, NOGROUP and a 'DLQ' answer
        come before any ack; DLQTYPE after them (the acks stand, as they would have with
        an ack call before the pull).

Returns {status, entries, deadLettered, topId, leaseMs, acked}
  status       'OK'; or 'DLQ' when the group's dead-letter stream is not KEYS[3]: then
               entries is its name and nothing was changed (call again with that key)
  entries      flat {id, fields, deliveryCount, ...}: reclaimed first, then new ones
               (fields false for an entry deleted while pending), as ONE string packed
               by cmsgpack.pack (unpack.ts reads it): one bulk reply for the whole batch
               instead of one per ID, name and value
  deadLettered number of messages moved to the dead-letter stream by this call
  topId        ID of the stream's last entry ('0-0' if empty) when nothing was delivered,
               so the caller can wait for entries after it
  leaseMs      the group's lease
  acked        per ID of ARGV[8..], 1 when it was pending and is now acked, else 0
Errors: NOSTREAM, WRONGTYPE, NOGROUP, DLQTYPE (the dead-letter key holds another type)

Why XPENDING IDLE and not XAUTOCLAIM: the pending list is walked whole, server-side,
returning only entries idle for at least the lease, with their owner and delivery count;
XAUTOCLAIM would hide the previous owner (x-last-consumer) and increment the counter before
we could decide to dead-letter instead. Each page starts after the last ID seen, so the
walk covers the entire pending list, not just a first page.
]]
local stream, group, consumer = KEYS[1], ARGV[1], ARGV[2]
local count = tonumber(ARGV[3])
local no_ack = ARGV[4] == '1'
sg_stream(stream)
local lease, max_deliveries, dlq = sg_policy(KEYS[2], group, ARGV[5], ARGV[6], ARGV[7])
if max_deliveries > 0 and dlq ~= KEYS[3] then
  return { 'DLQ', dlq, 0, '0-0', lease, {} }
end
-- The acks this pull carries: after the checks that change nothing (a 'DLQ' answer acks
-- nothing), before the read. A failure after them (DLQTYPE below) leaves them done, as
-- separate ack and pull calls would.
local acked = {}
if #ARGV >= 8 then
  sg_group(stream, group)
  for i = 8, #ARGV do acked[i - 7] = redis.call('XACK', stream, group, ARGV[i]) end
end

-- Checked before any claim: a script that failed half-way would keep its claims.
if max_deliveries > 0 then
  local t = redis.call('TYPE', KEYS[3])['ok']
  if t ~= 'none' and t ~= 'stream' then
    sg_fail('DLQTYPE', 'the dead-letter stream ' .. KEYS[3] .. ' exists and is not a stream')
  end
end

local out, n, dead = {}, 0, 0

if not no_ack and lease > 0 then
  local start = '-'
  while n < count do
    local want = count - n
    local page = redis.call('XPENDING', stream, group, 'IDLE', lease, start, '+', want)
    for _, p in ipairs(page) do
      local id, owner, deliveries = p[1], p[2], p[4]
      if max_deliveries > 0 and deliveries >= max_deliveries then
        local entry = redis.call('XRANGE', stream, id, id)[1]
        if entry then
          local fields = entry[2]
          local k = #fields
          fields[k + 1] = 'x-original-id'; fields[k + 2] = id
          fields[k + 3] = 'x-original-stream'; fields[k + 4] = stream
          fields[k + 5] = 'x-group'; fields[k + 6] = group
          fields[k + 7] = 'x-deliveries'; fields[k + 8] = tostring(deliveries)
          fields[k + 9] = 'x-last-consumer'; fields[k + 10] = owner
          redis.call('XADD', KEYS[3], '*', unpack(fields))
          dead = dead + 1
        end
        -- Acked in the source group only after the copy exists: nothing is ever lost.
        redis.call('XACK', stream, group, id)
      else
        -- The min-idle guard repeats the lease check, so the claim can never steal a live lease.
        local claimed = redis.call('XCLAIM', stream, group, consumer, lease, id)[1]
        if claimed then
          n = n + 1
          out[#out + 1] = claimed[1]
          out[#out + 1] = claimed[2] or false
          out[#out + 1] = deliveries + 1
        end
      end
      start = '(' .. id
    end
    if #page < want then break end
  end
end

if n < count then
  local args = { 'GROUP', group, consumer, 'COUNT', count - n }
  if no_ack then args[#args + 1] = 'NOACK' end
  args[#args + 1] = 'STREAMS'
  args[#args + 1] = stream
  args[#args + 1] = '>'
  local read = redis.call('XREADGROUP', unpack(args))
  if read then
    for _, e in ipairs(read[1][2]) do
      n = n + 1
      out[#out + 1] = e[1]
      out[#out + 1] = e[2]
      out[#out + 1] = 1
    end
  end
end

local top = '0-0'
if n == 0 then
  local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)[1]
  if last then top = last[1] end
end
return { 'OK', cmsgpack.pack(out), dead, top, lease, acked }
