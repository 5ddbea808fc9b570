using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Warden.Core.Predictions;

/// <summary>
/// The bounded in-memory queue between the request path and the <see cref="PredictionLogWriter"/>. Enqueueing never blocks:
/// when the queue is full the caller is told so and answers 503, which keeps the guarantee that every served prediction is
/// recorded.
/// </summary>
public sealed class PredictionLog
{
    private readonly Channel<PredictionRecord> _channel;

    public PredictionLog(IOptions<PredictionLogOptions> options)
    {
        Options = options.Value;
        _channel = Channel.CreateBounded<PredictionRecord>(new BoundedChannelOptions(Options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>Settings in force.</summary>
    public PredictionLogOptions Options { get; }

    /// <summary>Records waiting to be written.</summary>
    public int QueueDepth => _channel.Reader.CanCount ? _channel.Reader.Count : 0;

    /// <summary>True when the queue has room; check before running the model so a full queue refuses the request cheaply.</summary>
    public bool HasRoom => QueueDepth < Options.QueueCapacity;

    /// <summary>Queues a record; false when the queue is full or closed.</summary>
    public bool TryEnqueue(PredictionRecord record) => _channel.Writer.TryWrite(record);

    internal ChannelReader<PredictionRecord> Reader => _channel.Reader;

    /// <summary>Stops accepting records (shutdown); the writer drains what is queued.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
