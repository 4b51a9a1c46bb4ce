--[[ range-1: XRANGE (or XREVRANGE) that stops after the entry whose bytes reach a budget, so
that a reply never carries much more than the budget whatever `count` asks. It reads in
chunks: the first of `first` entries, each next one sized by the largest entry seen so far,
so Redis copies little more than the budget (one entry larger than all before it may still
bring one chunk more, never more than a plain XRANGE of `count` would). An entry's bytes are
those of its ID, field names and values.

KEYS[1] stream
ARGV[1] start, ARGV[2] end (the lower and upper bounds, whatever the direction, as XRANGE
takes them), ARGV[3] count, ARGV[4] '1' for XREVRANGE (newest first), ARGV[5] byte budget,
ARGV[6] entries of the first chunk (1 to count)

Returns {entries, cut}: entries as XRANGE answers them ([[id, {name, value, ...}], ...]); cut
is 1 when the budget ended the read before `count` entries (more may follow), else 0.
Errors: WRONGTYPE (a missing key reads as empty, as XRANGE does)
]]
local lo, hi = ARGV[1], ARGV[2]
local count, reverse, budget = tonumber(ARGV[3]), ARGV[4] == '1', tonumber(ARGV[5])
local chunk = math.max(1, math.min(count, tonumber(ARGV[6])))
local MAX_ID = '18446744073709551615-18446744073709551615'
local out, total, largest = {}, 0, 1
while true do
  local got
  if reverse then
    got = redis.call('XREVRANGE', KEYS[1], hi, lo, 'COUNT', chunk)
  else
    got = redis.call('XRANGE', KEYS[1], lo, hi, 'COUNT', chunk)
  end
  for k, e in ipairs(got) do
    local size = sg_entry_bytes(e[1], e[2])
    out[#out + 1] = e
    total = total + size
    if size > largest then largest = size end
    if #out == count then return { out, 0 } end
    -- The last entry of a short chunk is the last of the range: nothing more to say.
    if total >= budget then return { out, (k == #got and #got < chunk) and 0 or 1 } end
  end
  -- Fewer than asked: the range is read to its end.
  if #got < chunk then return { out, 0 } end
  local last = got[#got][1]
  if reverse then
    hi = '(' .. last
  else
    -- Nothing follows the largest ID (and '(' of it is not a valid bound).
    if last == MAX_ID then return { out, 0 } end
    lo = '(' .. last
  end
  chunk = math.min(count - #out, math.max(1, math.floor((budget - total) / largest)))
end
