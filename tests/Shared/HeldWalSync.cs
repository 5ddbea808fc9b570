namespace Warden.Tests;

/// <summary>
/// A WAL sync step (<c>SqliteDatabase</c>'s <c>walSync</c>) that a test holds: each run signals <see cref="Started"/>, then
/// waits until <see cref="Release"/> (or fails, after <see cref="Fail"/>). Runs are counted.
/// </summary>
public sealed class HeldWalSync
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile Exception? _failure;
    private int _runs;

    /// <summary>Completes when the first run has started.</summary>
    public Task Started => _started.Task;

    /// <summary>Runs started so far.</summary>
    public int Runs => Volatile.Read(ref _runs);

    /// <summary>Runs still held go on, and later ones pass at once.</summary>
    public void Release() => _released.TrySetResult();

    /// <summary>Runs still held, and later ones, throw <paramref name="failure"/>.</summary>
    public void Fail(Exception failure)
    {
        _failure = failure;
        _released.TrySetResult();
    }

    /// <summary>The step to hand to the database.</summary>
    public void Sync()
    {
        Interlocked.Increment(ref _runs);
        _started.TrySetResult();

        // Bounded, so that a test that forgets to release fails rather than hangs.
        if (!_released.Task.Wait(TimeSpan.FromMinutes(5)))
        {
            throw new TimeoutException("the test never released the WAL sync");
        }

        if (_failure is { } failure)
        {
            throw failure;
        }
    }
}
