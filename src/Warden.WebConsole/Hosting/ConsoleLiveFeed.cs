using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Warden.Core.Events;

namespace Warden.WebConsole.Hosting;

/// <summary>
/// Server-sent events for the console's live regions: a stream sends the current count at once and again whenever it changes.
/// A change made through this process (an event published: a review created or decided, an abuse alert) wakes every
/// stream at once; a change made on another replica is seen at the next re-read of the shared store, every
/// <see cref="RecheckInterval"/>. A stream ends after <see cref="Lifetime"/>; the browser's EventSource reconnects by itself,
/// so no connection outlives a revoked session for long (each reconnect re-authenticates the cookie).
/// </summary>
internal sealed class ConsoleLiveFeed : IDisposable
{
    internal static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(5);
    internal static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly EventPublisher _events;
    private readonly TimeProvider _time;
    private TaskCompletionSource _changed = NewSignal();

    public ConsoleLiveFeed(EventPublisher events, TimeProvider time)
    {
        _events = events;
        _time = time;
        _events.Raised += OnRaised;
    }

    /// <summary>Streams <c>{"<paramref name="field"/>": n}</c> as event <c>count</c>: now, then on every change of <paramref name="read"/>.</summary>
    public async IAsyncEnumerable<SseItem<string>> StreamAsync(string field, Func<CancellationToken, Task<long>> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var end = _time.GetUtcNow() + Lifetime;
        long? sent = null;
        while (!cancellationToken.IsCancellationRequested && _time.GetUtcNow() < end)
        {
            // Taken before reading, so a change landing during the read wakes the next wait instead of being missed.
            var changed = _changed.Task;
            var value = await read(cancellationToken).ConfigureAwait(false);
            if (value != sent)
            {
                sent = value;
                yield return new SseItem<string>($"{{\"{field}\":{value}}}", "count") { ReconnectionInterval = RecheckInterval };
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(changed, Task.Delay(RecheckInterval, _time, wait.Token)).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => _events.Raised -= OnRaised;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void OnRaised(object? sender, WardenEvent e) => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
}
