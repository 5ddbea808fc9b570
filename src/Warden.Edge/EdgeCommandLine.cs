using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Warden.Core.Access;

namespace Warden.Edge;

/// <summary>
/// The agent's command-line options and run loop, shared by <c>warden edge</c> and the native <c>warden-edge</c>
/// executable so both take the same options and behave alike: <c>--server URL --device-key device.pem --trust
/// signer.pub.pem --data-dir dir [--channel stable] [--listen http://127.0.0.1:8090] [--sync-seconds 30] [--device-id ID]
/// [--local-keys keys.json] [--log-format text|json]</c>; the server API key comes from the caller (<c>--key</c> or
/// <c>WARDEN_API_KEY</c>).
/// </summary>
public sealed class EdgeCommandLine
{
    private readonly Option<string> _server = new("--server") { Description = "Warden server to sync with and fall back to", Required = true };
    private readonly Option<FileInfo> _deviceKey = new("--device-key") { Description = "This device's private key (PEM, from warden keygen)", Required = true };
    private readonly Option<FileInfo[]> _trust = new("--trust") { Description = "Public key(s) of trusted bundle signers (PEM)", Required = true, AllowMultipleArgumentsPerToken = true };
    private readonly Option<DirectoryInfo> _dataDir = new("--data-dir") { Description = "Where bundles, the prediction log and buffered telemetry are kept", Required = true };
    private readonly Option<string> _channel = new("--channel") { Description = "Channel (device group) to pull bundles from", DefaultValueFactory = _ => "stable" };
    private readonly Option<string> _listen = new("--listen") { Description = "Local address to serve the V2 endpoints on", DefaultValueFactory = _ => "http://127.0.0.1:8090" };
    private readonly Option<int> _interval = new("--sync-seconds") { Description = "Seconds between syncs and telemetry uploads", DefaultValueFactory = _ => 30 };
    private readonly Option<string?> _deviceId = new("--device-id") { Description = "Device id (default: derived from the device key id)" };
    private readonly Option<FileInfo?> _localKeys = new("--local-keys") { Description = "JSON file of keys local callers must present (required to listen beyond loopback)" };
    private readonly Option<string> _logFormat = new("--log-format") { Description = "Log lines as text or json", DefaultValueFactory = _ => "text" };

    /// <summary>Adds the agent's options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new Option[] { _server, _deviceKey, _trust, _dataDir, _channel, _listen, _interval, _deviceId, _localKeys, _logFormat })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The log format asked for (<c>text</c> or <c>json</c>).</summary>
    /// <exception cref="EdgeOptionsException">Neither.</exception>
    public string LogFormat(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var format = parse.GetValue(_logFormat);
        return format is "text" or "json" ? format : throw new EdgeOptionsException($"--log-format '{format}' is not text or json");
    }

    /// <summary>The agent's settings from parsed options; <paramref name="apiKey"/> is the key for the server.</summary>
    /// <exception cref="EdgeOptionsException">A missing key, an invalid URL, a missing key file or an invalid local key file.</exception>
    public EdgeAgentOptions Bind(ParseResult parse, string? apiKey)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (string.IsNullOrEmpty(apiKey))
        {
            throw new EdgeOptionsException("no API key for the server: pass --key or set WARDEN_API_KEY");
        }

        var url = parse.GetValue(_server)!;
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var serverUri))
        {
            throw new EdgeOptionsException($"'{url}' is not a valid server URL");
        }

        var keyFile = parse.GetValue(_deviceKey)!;
        var trusted = parse.GetValue(_trust)!;
        foreach (var file in trusted.Append(keyFile).Where(f => !f.Exists))
        {
            throw new EdgeOptionsException($"key file '{file.FullName}' does not exist");
        }

        IReadOnlyList<ApiKeyRecord> keys;
        try
        {
            keys = parse.GetValue(_localKeys) is { } keysFile ? EdgeLocalKeys.Read(keysFile.FullName) : [];
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            throw new EdgeOptionsException(ex.Message);
        }

        return new EdgeAgentOptions
        {
            Server = serverUri,
            ApiKey = apiKey,
            DeviceKeyPem = File.ReadAllText(keyFile.FullName),
            TrustedSignerPems = trusted.Select(f => File.ReadAllText(f.FullName)).ToList(),
            DataDir = parse.GetValue(_dataDir)!.FullName,
            Channel = parse.GetValue(_channel)!,
            Listen = parse.GetValue(_listen)!,
            SyncInterval = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(_interval))),
            DeviceId = parse.GetValue(_deviceId),
            LocalKeys = keys,
        };
    }

    /// <summary>Starts the agent <paramref name="parse"/> describes (listening, syncing in the background); the caller disposes it.</summary>
    /// <exception cref="EdgeOptionsException">The options are invalid or the agent cannot start with them.</exception>
    public async Task<EdgeAgent> StartAsync(ParseResult parse, string? apiKey, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.Errors.Count > 0)
        {
            throw new EdgeOptionsException(string.Join("; ", parse.Errors.Select(e => e.Message)));
        }

        OnnxRuntimeWarmup.Start();
        var agent = new EdgeAgent(Bind(parse, apiKey), logger: logger);
        try
        {
            await agent.StartAsync(background: true, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            await agent.DisposeAsync().ConfigureAwait(false);
            throw new EdgeOptionsException(ex.Message);
        }

        return agent;
    }

    /// <summary>
    /// Starts the agent the options describe, with console logging, prints one line saying where it serves, and runs it
    /// until <paramref name="cancellationToken"/>, SIGINT or SIGTERM; returns the exit code.
    /// </summary>
    /// <exception cref="EdgeOptionsException">The options are invalid or the agent cannot start with them.</exception>
    public async Task<int> RunAsync(ParseResult parse, string? apiKey, Action<string> print, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(print);
        using var logging = EdgeLogging.Create(LogFormat(parse));

        // The agent's web host takes over SIGTERM for its own graceful stop, so the run listens for the signals itself;
        // otherwise `kill` would stop the listener and leave the process waiting forever. Registered before the agent
        // starts: a supervisor that signals as soon as it reads the ready line must not land in the gap before them.
        // A completion source, not a token source: a handler already dispatched when the run ends must not touch a
        // disposed object (that was an unhandled ObjectDisposedException on SIGTERM).
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
        using var cancelled = cancellationToken.Register(() => stop.TrySetResult());

        await using var agent = await StartAsync(parse, apiKey, logging.CreateLogger("Warden.Edge"), cancellationToken).ConfigureAwait(false);
        print($"edge agent {agent.DeviceId} serving on {agent.Address} (channel {parse.GetValue(_channel)}); Ctrl+C to stop");

        // Ctrl+C, SIGTERM or the caller's token: disposing the agent stops the loop and the listener.
        await stop.Task.ConfigureAwait(false);
        return 0;
    }
}
