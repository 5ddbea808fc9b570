using System.Globalization;
using System.Text.Json;
using Warden.Contracts.Edge;

namespace Warden.Edge;

/// <summary>
/// Telemetry buffered on disk until the server acknowledges it: one file per record, named by its sequence number. The
/// directory is listed once, at start; afterwards an in-memory index (arrival order and sizes) answers every question, so
/// an append costs the same with 50,000 records waiting as with none. When the buffer exceeds its byte cap the oldest
/// records are dropped (and counted). Uploads send the oldest records; the server stores each (device, epoch, sequence)
/// once, so resending after a lost acknowledgement creates no duplicates.
/// </summary>
/// <remarks>
/// Sequence numbers are reserved in blocks (<see cref="ReservationBlock"/>): the high-water mark on disk is raised before
/// any number below it is handed out, so no number is ever reused across restarts, at the price of a gap after a crash
/// (a clean stop, <see cref="Close"/>, records the exact next number).
/// The epoch is a random id made when the buffer's directory is new: a device whose data was wiped starts numbering at 1
/// again in a new epoch, which the server keeps apart from the old one instead of taking the new records for duplicates.
/// </remarks>
public sealed class TelemetryBuffer
{
    private const long ReservationBlock = 1024;
    private readonly string _dir;
    private readonly string _sequenceFile;
    private readonly long _capBytes;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();

    // Arrival order; entries removed out of order stay in the queue until they reach its head (lazy deletion).
    private readonly Queue<long> _order = new();
    private readonly Dictionary<long, long> _sizes = [];
    private long _next;
    private long _reserved;
    private long _bytes;

    public TelemetryBuffer(string directory, long capBytes, TimeProvider time)
    {
        _dir = directory;
        _capBytes = capBytes;
        _time = time;
        Directory.CreateDirectory(_dir);
        _sequenceFile = Path.Combine(_dir, "next-sequence");
        var epochFile = Path.Combine(_dir, "epoch");
        if (!File.Exists(epochFile))
        {
            WriteAtomically(epochFile, Guid.NewGuid().ToString("N"));
        }

        Epoch = File.ReadAllText(epochFile).Trim();
        foreach (var file in Directory.GetFiles(_dir, "*.json").Order(StringComparer.Ordinal))
        {
            var sequence = SequenceOf(file);
            var size = new FileInfo(file).Length;
            _order.Enqueue(sequence);
            _sizes[sequence] = size;
            _bytes += size;
        }

        var stored = File.Exists(_sequenceFile) ? long.Parse(File.ReadAllText(_sequenceFile), CultureInfo.InvariantCulture) : 1;
        _next = Math.Max(stored, _order.Count == 0 ? 1 : _order.Max() + 1);
        _reserved = _next;
    }

    /// <summary>This buffer's sequence epoch (sent with every batch).</summary>
    public string Epoch { get; }

    /// <summary>Records dropped because the buffer was full.</summary>
    public long Dropped { get; private set; }

    /// <summary>Records waiting for upload.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _sizes.Count;
            }
        }
    }

    /// <summary>Bytes of records waiting for upload.</summary>
    public long PendingBytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Appends a record and returns its sequence number.</summary>
    public long Append(string kind, JsonElement data)
    {
        var element = data;
        lock (_lock)
        {
            if (_next >= _reserved)
            {
                _reserved = _next + ReservationBlock;
                WriteAtomically(_sequenceFile, _reserved.ToString(CultureInfo.InvariantCulture));
            }

            var sequence = _next++;
            var record = new TelemetryRecord { Sequence = sequence, Time = _time.GetUtcNow(), Kind = kind, Data = element };
            var bytes = JsonSerializer.SerializeToUtf8Bytes(record, EdgeWireJson.Default.TelemetryRecord);
            var path = PathOf(sequence);
            File.WriteAllBytes(path + ".tmp", bytes);
            File.Move(path + ".tmp", path, overwrite: true);
            _order.Enqueue(sequence);
            _sizes[sequence] = bytes.Length;
            _bytes += bytes.Length;
            while (_bytes > _capBytes && _sizes.Count > 1 && _order.TryDequeue(out var oldest))
            {
                if (_sizes.Remove(oldest, out var size))
                {
                    _bytes -= size;
                    File.Delete(PathOf(oldest));
                    Dropped++;
                }
            }

            return sequence;
        }
    }

    /// <summary>The oldest <paramref name="max"/> records.</summary>
    public List<TelemetryRecord> Peek(int max)
    {
        lock (_lock)
        {
            while (_order.TryPeek(out var head) && !_sizes.ContainsKey(head))
            {
                _order.Dequeue();
            }

            return _order.Where(_sizes.ContainsKey).Take(max)
                .Select(s => JsonSerializer.Deserialize(File.ReadAllBytes(PathOf(s)), EdgeWireJson.Default.TelemetryRecord)!).ToList();
        }
    }

    /// <summary>Deletes records the server acknowledged.</summary>
    public void Remove(IEnumerable<long> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        lock (_lock)
        {
            foreach (var sequence in sequences)
            {
                if (_sizes.Remove(sequence, out var size))
                {
                    _bytes -= size;
                    File.Delete(PathOf(sequence));
                }
            }

            while (_order.TryPeek(out var head) && !_sizes.ContainsKey(head))
            {
                _order.Dequeue();
            }
        }
    }

    /// <summary>
    /// Records the exact next sequence number (on a clean stop), giving back the unused part of the reservation so that a
    /// restart continues without a gap.
    /// </summary>
    public void Close()
    {
        lock (_lock)
        {
            WriteAtomically(_sequenceFile, _next.ToString(CultureInfo.InvariantCulture));
            _reserved = _next;
        }
    }

    private string PathOf(long sequence) => Path.Combine(_dir, sequence.ToString("D19", CultureInfo.InvariantCulture) + ".json");

    private static long SequenceOf(string path) => long.Parse(Path.GetFileNameWithoutExtension(path), CultureInfo.InvariantCulture);

    private static void WriteAtomically(string path, string text)
    {
        File.WriteAllText(path + ".tmp", text);
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
