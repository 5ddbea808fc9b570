namespace Warden.Storage.Sqlite;

/// <summary>
/// Group sync of the WAL for commits made with <c>synchronous=NORMAL</c>: a commit that has returned asks for a task, which
/// completes once a run of the sync step that started after the request has completed. At most one run is in flight;
/// every commit that asks while it runs is covered by the next run, so a burst of commits shares one fsync.
/// A failed run fails every commit waiting for it and every later request: after a failed fsync the kernel may have
/// dropped the dirty pages it could not write, so a later fsync that succeeds says nothing about the earlier frames — and
/// the WAL's frames are chained by checksums, so a lost frame also hides every later one from recovery. Nothing is
/// acknowledged again until the process reopens the database (SQLite's recovery then reads what really is on disk).
/// </summary>
internal sealed class WalSync
{
    private readonly Action _sync;
    private readonly Lock _gate = new();

    // Requests made since the running sync started (or since the last one ended); the next run covers them.
    private TaskCompletionSource? _next;
    private Task _running = Task.CompletedTask;
    private bool _syncing;
    private Exception? _failure;

    public WalSync(Action sync)
    {
        ArgumentNullException.ThrowIfNull(sync);
        _sync = sync;
    }

    /// <summary>
    /// For a commit that has returned: completes when a sync started after this call has completed, faults if it (or an
    /// earlier one) failed.
    /// </summary>
    public Task AfterCommit()
    {
        lock (_gate)
        {
            if (_failure is not null)
            {
                return Task.FromException(new IOException("an earlier fsync of the WAL failed; commits are not acknowledged until the database is reopened", _failure));
            }

            // Continuations run off the sync's thread, so releasing a batch's requests never delays the next run.
            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_syncing)
            {
                _syncing = true;
                _running = Task.Run(Run, CancellationToken.None);
            }

            return _next.Task;
        }
    }

    /// <summary>Completes when no sync is running (requests already made have been answered).</summary>
    public Task Idle
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    private void Run()
    {
        while (true)
        {
            TaskCompletionSource covered;
            lock (_gate)
            {
                if (_next is null)
                {
                    _syncing = false;
                    return;
                }

                // Taken under the lock before the sync starts: every request in it was made (after its commit returned)
                // before this run began; requests made from here on go to the next run.
                covered = _next;
                _next = null;
            }

            try
            {
                _sync();
                covered.TrySetResult();
            }
            catch (Exception ex)
            {
                TaskCompletionSource? waiting;
                lock (_gate)
                {
                    _failure = ex;
                    waiting = _next;
                    _next = null;
                }

                covered.TrySetException(ex);
                waiting?.TrySetException(ex);
            }
        }
    }
}
