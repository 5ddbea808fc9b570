using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Warden.Core.Telemetry;

namespace Warden.Redis;

/// <summary>
/// The one connection to Redis a process keeps (StackExchange.Redis multiplexes every caller over it and reconnects on its
/// own). Connecting never blocks start-up on an unreachable server; callers check <see cref="IsAvailable"/> and report
/// what they did without Redis through <see cref="ReportUnavailable"/>, which counts it in
/// <c>warden.redis.unavailable</c> and logs once per outage.
/// </summary>
public sealed partial class RedisConnection : IDisposable
{
    private readonly RedisOptions _options;
    private readonly ILogger<RedisConnection> _logger;
    private readonly Lazy<ConnectionMultiplexer> _multiplexer;
    private readonly Counter<long> _unavailable;
    private readonly List<Action<IConnectionMultiplexer>> _connectedCallbacks = [];
    private ConnectionMultiplexer? _connected;
    private int _outage;

    public RedisConnection(IOptions<RedisOptions> options, IMeterFactory meters, ILogger<RedisConnection> logger)
    {
        _options = options.Value;
        _logger = logger;
        _multiplexer = new Lazy<ConnectionMultiplexer>(Connect, LazyThreadSafetyMode.ExecutionAndPublication);
        var meter = meters.Create(WardenMetrics.MeterName);
        _unavailable = meter.CreateCounter<long>("warden.redis.unavailable", description: "Decisions taken without Redis because it was unreachable, by operation and outcome");
        meter.CreateObservableGauge("warden.redis.connected", () => _multiplexer.IsValueCreated && _multiplexer.Value.IsConnected ? 1 : 0, description: "1 while the Redis connection is up");
    }

    /// <summary>Raised when the connection comes back after a failure (what was published meanwhile was lost).</summary>
    public event EventHandler? Restored;

    /// <summary>The options in force.</summary>
    public RedisOptions Options => _options;

    /// <summary>True when Redis is configured and connected now.</summary>
    public bool IsAvailable => _multiplexer.Value.IsConnected;

    /// <summary>The database for commands.</summary>
    public IDatabase Database => _multiplexer.Value.GetDatabase();

    /// <summary>The pub/sub side.</summary>
    public ISubscriber Subscriber => _multiplexer.Value.GetSubscriber();

    /// <summary>
    /// Calls <paramref name="callback"/> with the multiplexer once it exists: now when it does, else when the first caller
    /// connects. Tracing uses it to profile the commands of a connection that is made lazily, after start-up.
    /// </summary>
    public void WhenConnected(Action<IConnectionMultiplexer> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ConnectionMultiplexer? connected;
        lock (_connectedCallbacks)
        {
            connected = _connected;
            if (connected is null)
            {
                _connectedCallbacks.Add(callback);
                return;
            }
        }

        callback(connected);
    }

    /// <summary>The Redis key or channel name of <paramref name="name"/> under the configured prefix.</summary>
    public string Key(string name) => _options.KeyPrefix + name;

    /// <summary>Counts a decision taken without Redis and logs the first one of an outage.</summary>
    /// <param name="operation">What needed Redis (<c>rate_limit</c>, <c>quota</c>, <c>concurrency</c>, <c>job_lease</c>, <c>signal</c>).</param>
    /// <param name="outcome">What was done instead (<c>allowed</c>, <c>refused</c>, <c>skipped</c>).</param>
    /// <param name="error">The failure, when one was thrown.</param>
    public void ReportUnavailable(string operation, string outcome, Exception? error)
    {
        _unavailable.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", outcome));
        if (Interlocked.Exchange(ref _outage, 1) == 0)
        {
            LogUnavailable(error, operation, outcome, _options.OnFailure);
        }
    }

    public void Dispose()
    {
        if (_multiplexer.IsValueCreated)
        {
            _multiplexer.Value.Dispose();
        }
    }

    private ConnectionMultiplexer Connect()
    {
        var configuration = ConfigurationOptions.Parse(_options.ConnectionString ?? throw new InvalidOperationException("ConnectionStrings:Redis is not set"));
        // Start (and keep retrying) even when Redis is down: the fail mode decides what requests get meanwhile.
        configuration.AbortOnConnectFail = false;
        configuration.ClientName ??= "warden";
        var multiplexer = ConnectionMultiplexer.Connect(configuration);
        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive && Interlocked.Exchange(ref _outage, 1) == 0)
            {
                LogConnectionFailed(e.Exception, e.FailureType.ToString(), _options.OnFailure);
            }
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            // The subscription connection is the one whose gap loses signals; restore it last so the resync sees a working channel.
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                Interlocked.Exchange(ref _outage, 0);
                LogRestored();
                Restored?.Invoke(this, EventArgs.Empty);
            }
        };
        Action<IConnectionMultiplexer>[] callbacks;
        lock (_connectedCallbacks)
        {
            _connected = multiplexer;
            callbacks = [.. _connectedCallbacks];
            _connectedCallbacks.Clear();
        }

        foreach (var callback in callbacks)
        {
            callback(multiplexer);
        }

        return multiplexer;
    }

    [LoggerMessage(1, LogLevel.Error, "Redis is unreachable ({Operation}: {Outcome}); shared limits fail {Mode} and singleton jobs pause until it returns")]
    private partial void LogUnavailable(Exception? exception, string operation, string outcome, string mode);

    [LoggerMessage(2, LogLevel.Error, "Lost the Redis connection ({Failure}); shared limits fail {Mode} and singleton jobs pause until it returns")]
    private partial void LogConnectionFailed(Exception? exception, string failure, string mode);

    [LoggerMessage(3, LogLevel.Information, "Redis connection restored; reloading cached state")]
    private partial void LogRestored();
}
