using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Npgsql;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Replicas;

/// <summary>
/// Three <c>warden serve</c> processes on one fresh PostgreSQL database, sharing a private Redis (started here so that it
/// can be stopped and restarted), behind nginx with a generated configuration on a free port.
/// </summary>
internal sealed class ReplicaCluster : IAsyncDisposable
{
    public const string AdminKey = "wdn_replica_admin_key_0123456789abcdefghijklmnop";
    public const int Size = 3;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-replicas", Guid.NewGuid().ToString("N")[..12]);
    private readonly string _adminConnection;
    private readonly string _database = "warden_replicas_" + Guid.NewGuid().ToString("N")[..10];
    private readonly int[] _ports = Enumerable.Range(0, Size).Select(_ => WardenProcess.FreePort()).ToArray();
    private readonly WardenProcess?[] _replicas = new WardenProcess?[Size];
    private Process? _redis;
    private Process? _nginx;

    private ReplicaCluster(string adminConnection)
    {
        _adminConnection = adminConnection;
        Directory.CreateDirectory(_dir);
    }

    public int RedisPort { get; } = WardenProcess.FreePort();

    public int NginxPort { get; } = WardenProcess.FreePort();

    // Generous timeouts: on a saturated CI machine opening a PostgreSQL connection alone has taken more than the server's 5 s default.
    public string DatabaseConnection => new NpgsqlConnectionStringBuilder(_adminConnection) { Database = _database, Timeout = 30, CommandTimeout = 120 }.ConnectionString;

    public static async Task<ReplicaCluster> StartAsync(string postgres, CancellationToken cancellationToken)
    {
        var cluster = new ReplicaCluster(postgres);
        await using (var connection = new NpgsqlConnection(postgres))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{cluster._database}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await cluster.StartRedisAsync(cancellationToken);
            // The first replica migrates the schema and loads the demo model into the empty registry; the others find both.
            await cluster.StartReplicaAsync(0, cancellationToken);
            await Task.WhenAll(cluster.StartReplicaAsync(1, cancellationToken), cluster.StartReplicaAsync(2, cancellationToken));
            await cluster.StartNginxAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            // A failed start must not leave replicas, Redis or nginx running after the test.
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of replica <paramref name="index"/> directly, or of nginx when null.</summary>
    public HttpClient Client(int? index, string key = AdminKey)
    {
        var port = index is { } i ? _ports[i] : NginxPort;
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async Task StartReplicaAsync(int index, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>
        {
            ["Warden__AdminKey"] = AdminKey,
            ["Warden__Database__Provider"] = "postgresql",
            ["Warden__Database__MigrateAtStart"] = "true",
            ["ConnectionStrings__Warden"] = DatabaseConnection,
            ["ConnectionStrings__Redis"] = $"127.0.0.1:{RedisPort},connectTimeout=1000",
            ["Warden__Redis__OnFailure"] = "closed",
            ["Warden__Monitoring__TickSeconds"] = "1",
        };
        var dataDir = Path.Combine(_dir, "replica" + index);
        _replicas[index] = WardenProcess.Serve(
            environment, "--urls", $"http://127.0.0.1:{_ports[index]}", "--data-dir", dataDir, index == 0 ? "--demo" : "--no-demo");
        using var client = Client(index);
        await _replicas[index]!.WaitReadyAsync(client).WaitAsync(cancellationToken);
    }

    /// <summary>SIGKILL, as <c>kill -9</c>: no shutdown hook runs.</summary>
    public void KillReplica(int index)
    {
        _replicas[index]?.Dispose();
        _replicas[index] = null;
    }

    public string ReplicaOutput(int index) => _replicas[index]?.Output ?? "";

    public async Task StartRedisAsync(CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--bind", "127.0.0.1", "--port", RedisPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no", "--dir", _dir })
        {
            info.ArgumentList.Add(argument);
        }

        _redis = Process.Start(info)!;
        _redis.OutputDataReceived += (_, _) => { };
        _redis.ErrorDataReceived += (_, _) => { };
        _redis.BeginOutputReadLine();
        _redis.BeginErrorReadLine();
        await WaitListeningAsync(RedisPort, cancellationToken);
    }

    public void StopRedis()
    {
        if (_redis is { HasExited: false })
        {
            _redis.Kill();
            _redis.WaitForExit(10_000);
        }

        _redis?.Dispose();
        _redis = null;
    }

    public async ValueTask DisposeAsync()
    {
        // The whole tree: SIGKILL of the master alone leaves its worker orphaned, still listening.
        _nginx?.Kill(entireProcessTree: true);
        _nginx?.WaitForExit(10_000);
        _nginx?.Dispose();
        for (var i = 0; i < Size; i++)
        {
            KillReplica(i);
        }

        StopRedis();
        try
        {
            await using var connection = new NpgsqlConnection(_adminConnection);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // A leftover test database is harmless; CI machines are fresh.
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartNginxAsync(CancellationToken cancellationToken)
    {
        // Connect failures (a killed replica) are retried on the next server; a request already sent is not (POST is not idempotent).
        var servers = string.Concat(_ports.Select(p => $"    server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;\n"));
        var user = Environment.UserName == "root" ? "user root;\n" : "";
        var config = $$"""
            {{user}}worker_processes 1;
            daemon off;
            pid {{_dir}}/nginx.pid;
            error_log {{_dir}}/nginx-error.log warn;
            events { worker_connections 1024; }
            http {
              access_log off;
              client_body_temp_path {{_dir}}/nginx-body;
              proxy_temp_path {{_dir}}/nginx-proxy;
              fastcgi_temp_path {{_dir}}/nginx-fastcgi;
              uwsgi_temp_path {{_dir}}/nginx-uwsgi;
              scgi_temp_path {{_dir}}/nginx-scgi;
              upstream warden {
            {{servers}}    keepalive 32;
              }
              server {
                listen 127.0.0.1:{{NginxPort}};
                client_max_body_size 64m;
                location / {
                  proxy_pass http://warden;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                  proxy_connect_timeout 1s;
                  proxy_next_upstream error timeout;
                  proxy_next_upstream_tries 3;
                }
              }
            }
            """;
        var path = Path.Combine(_dir, "nginx.conf");
        await File.WriteAllTextAsync(path, config, cancellationToken);
        var info = new ProcessStartInfo(File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("-p");
        info.ArgumentList.Add(_dir);
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(path);
        _nginx = Process.Start(info)!;
        _nginx.OutputDataReceived += (_, _) => { };
        _nginx.ErrorDataReceived += (_, _) => { };
        _nginx.BeginOutputReadLine();
        _nginx.BeginErrorReadLine();
        await WaitListeningAsync(NginxPort, cancellationToken);
    }

    private static async Task WaitListeningAsync(int port, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 600; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        throw new TimeoutException($"nothing listens on port {port}");
    }
}
