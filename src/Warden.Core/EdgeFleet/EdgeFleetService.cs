using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Warden.Contracts.Edge;
using Warden.Core.Audit;
using Warden.Core.Bundles;
using Warden.Core.Predictions;
using Warden.Core.Storage;
using Warden.Core.Usage;

namespace Warden.Core.EdgeFleet;

/// <summary>
/// Publication of signed bundles to edge devices, per channel (device group): upload (verified against the trusted
/// signing keys before it is stored), listing, download and revocation, each change recorded in the audit chain; device
/// registration, binding each device id to its key; and telemetry intake, signed by the device and idempotent per
/// (device, epoch, sequence) so that a device may resend a batch whose acknowledgement it never received. State lives in <c>&lt;DataDir&gt;/edge/edge.db</c>, bundle files beside it.
/// </summary>
public sealed class EdgeFleetService : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS edge_bundles (
            bundle_id TEXT PRIMARY KEY, model TEXT NOT NULL, version TEXT NOT NULL, channel TEXT NOT NULL,
            sha256 TEXT NOT NULL, size_bytes INTEGER NOT NULL, signer TEXT NOT NULL, encrypted INTEGER NOT NULL,
            created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, uploaded_by TEXT NOT NULL, uploaded_at INTEGER NOT NULL,
            revoked_at INTEGER NULL);
        CREATE TABLE IF NOT EXISTS edge_devices (
            device_id TEXT PRIMARY KEY, channel TEXT NOT NULL, key_id TEXT NULL, registered_by TEXT NOT NULL, last_seen INTEGER NOT NULL);
        """;

    // Sequence numbers are unique per (device, epoch): a wiped device starts a new epoch instead of colliding with the
    // numbers it used before. Databases from before epochs are moved over with the empty epoch.
    private const string TelemetrySchema = """
        CREATE TABLE IF NOT EXISTS edge_telemetry_v2 (
            device_id TEXT NOT NULL, epoch TEXT NOT NULL, seq INTEGER NOT NULL, time INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NULL,
            received_at INTEGER NOT NULL, PRIMARY KEY (device_id, epoch, seq));
        """;

    private const string TelemetryMigration = """
        INSERT OR IGNORE INTO edge_telemetry_v2 SELECT device_id, '', seq, time, kind, data, received_at FROM edge_telemetry;
        DROP TABLE edge_telemetry;
        """;

    private readonly string _root;
    private readonly string _connectionString;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly IPredictionStore? _predictions;
    private readonly UsageMeter? _usage;
    private readonly TrustedKeys _trusted = new();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <param name="dataDir">The server's data directory.</param>
    /// <param name="options">Trusted signing keys.</param>
    /// <param name="audit">Where publication and registration are recorded.</param>
    /// <param name="time">Clock.</param>
    /// <param name="predictions">The server's prediction log, which receives the predictions devices report; null: telemetry only.</param>
    /// <param name="usage">The server's usage counts, which count the predictions devices report.</param>
    public EdgeFleetService(string dataDir, IOptions<EdgeFleetOptions> options, AuditLog audit, TimeProvider time, IPredictionStore? predictions = null, UsageMeter? usage = null)
    {
        _predictions = predictions;
        _usage = usage;
        ArgumentNullException.ThrowIfNull(options);
        _root = Path.Combine(dataDir, "edge");
        Directory.CreateDirectory(Path.Combine(_root, "bundles"));
        _audit = audit;
        _time = time;
        foreach (var file in options.Value.TrustedKeyFiles)
        {
            _trusted.AddPem(File.ReadAllText(file));
        }

        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_root, "edge.db"), Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode=WAL;");
        Execute(connection, Schema);
        Execute(connection, TelemetrySchema);
        if (Scalar(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'edge_telemetry'") > 0)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, TelemetryMigration, transaction);
            transaction.Commit();
        }

        if (Scalar(connection, "SELECT COUNT(*) FROM pragma_table_info('edge_devices') WHERE name = 'public_key'") == 0)
        {
            Execute(connection, "ALTER TABLE edge_devices ADD COLUMN public_key TEXT NULL;");
        }
    }

    /// <summary>Trusts another signing key (in addition to the configured files); returns its key id.</summary>
    public string Trust(string publicKeyPem) => _trusted.AddPem(publicKeyPem);

    /// <summary>Verifies and stores a bundle in the channel its signed manifest names.</summary>
    public async Task<EdgeBundleInfo> UploadAsync(byte[] bundle, string actor, CancellationToken cancellationToken = default)
    {
        if (_trusted.KeyIds.Count == 0)
        {
            throw new WardenException(409, "no trusted bundle signing keys are configured (Warden:Edge:TrustedKeyFiles)");
        }

        VerifiedBundle verified;
        try
        {
            verified = new BundleVerifier(_trusted, _time).Verify(bundle, Revocations(), decrypt: false);
        }
        catch (BundleVerificationException ex)
        {
            throw WardenException.BadRequest($"bundle refused ({ex.Failure}): {ex.Message}");
        }

        var manifest = verified.Manifest;
        if (!BundleNames.IsValidReferenceName(manifest.BundleId) || !BundleNames.IsValidReferenceName(manifest.Channel))
        {
            throw WardenException.BadRequest("bundle id and channel must be letters, digits, '.', '_' or '-'");
        }

        var info = new EdgeBundleInfo
        {
            BundleId = manifest.BundleId,
            Model = manifest.Model,
            Version = manifest.Version,
            Channel = manifest.Channel,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bundle)),
            SizeBytes = bundle.LongLength,
            SignerKeyId = verified.SignerKeyId,
            Encrypted = manifest.Encryption is not null,
            CreatedAt = manifest.CreatedAt,
            ExpiresAt = manifest.ExpiresAt,
            UploadedBy = actor,
            UploadedAt = _time.GetUtcNow(),
        };
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Find(info.BundleId) is not null)
            {
                throw WardenException.Conflict($"bundle {info.BundleId} is already published");
            }

            var path = BundlePath(info.BundleId);
            var temp = path + ".tmp";
            await File.WriteAllBytesAsync(temp, bundle, cancellationToken).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
            using (var connection = Open())
            {
                using var insert = connection.CreateCommand();
                insert.CommandText = """
                    INSERT INTO edge_bundles VALUES ($id, $model, $version, $channel, $sha, $size, $signer, $encrypted, $created, $expires, $by, $at, NULL)
                    """;
                insert.Parameters.AddWithValue("$id", info.BundleId);
                insert.Parameters.AddWithValue("$model", info.Model);
                insert.Parameters.AddWithValue("$version", info.Version);
                insert.Parameters.AddWithValue("$channel", info.Channel);
                insert.Parameters.AddWithValue("$sha", info.Sha256);
                insert.Parameters.AddWithValue("$size", info.SizeBytes);
                insert.Parameters.AddWithValue("$signer", info.SignerKeyId);
                insert.Parameters.AddWithValue("$encrypted", info.Encrypted ? 1 : 0);
                insert.Parameters.AddWithValue("$created", info.CreatedAt.ToUnixTimeMilliseconds());
                insert.Parameters.AddWithValue("$expires", info.ExpiresAt.ToUnixTimeMilliseconds());
                insert.Parameters.AddWithValue("$by", actor);
                insert.Parameters.AddWithValue("$at", info.UploadedAt.ToUnixTimeMilliseconds());
                insert.ExecuteNonQuery();
            }

            await _audit.AppendAsync(actor, "edge.bundle.upload", $"{info.Channel}/{info.BundleId}",
                new { model = info.Model, version = info.Version, sha256 = info.Sha256, signer = info.SignerKeyId, encrypted = info.Encrypted, expires_at = info.ExpiresAt }, cancellationToken).ConfigureAwait(false);
            return info;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Bundles, newest first; only one channel's when <paramref name="channel"/> is set.</summary>
    public IReadOnlyList<EdgeBundleInfo> List(string? channel = null)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM edge_bundles" + (channel is null ? "" : " WHERE channel = $channel") + " ORDER BY uploaded_at DESC, bundle_id";
        if (channel is not null)
        {
            command.Parameters.AddWithValue("$channel", channel);
        }

        using var reader = command.ExecuteReader();
        var result = new List<EdgeBundleInfo>();
        while (reader.Read())
        {
            result.Add(ReadInfo(reader));
        }

        return result;
    }

    /// <summary>One bundle's record, or null.</summary>
    public EdgeBundleInfo? Find(string bundleId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM edge_bundles WHERE bundle_id = $id";
        command.Parameters.AddWithValue("$id", bundleId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadInfo(reader) : null;
    }

    /// <summary>The .wdn bytes of a bundle.</summary>
    public async Task<byte[]> ReadAsync(string bundleId, CancellationToken cancellationToken = default)
    {
        var info = Find(bundleId) ?? throw WardenException.NotFound($"bundle {bundleId} is not found");
        var bytes = await File.ReadAllBytesAsync(BundlePath(info.BundleId), cancellationToken).ConfigureAwait(false);
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != info.Sha256)
        {
            throw new WardenException(500, $"bundle {bundleId} is corrupt on the server");
        }

        return bytes;
    }

    /// <summary>Revokes a bundle: devices stop serving it at their next sync.</summary>
    public async Task<EdgeBundleInfo> RevokeAsync(string bundleId, string actor, string? reason, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var info = Find(bundleId) ?? throw WardenException.NotFound($"bundle {bundleId} is not found");
            if (info.RevokedAt is not null)
            {
                return info;
            }

            using (var connection = Open())
            {
                using var update = connection.CreateCommand();
                update.CommandText = "UPDATE edge_bundles SET revoked_at = $at WHERE bundle_id = $id";
                update.Parameters.AddWithValue("$at", _time.GetUtcNow().ToUnixTimeMilliseconds());
                update.Parameters.AddWithValue("$id", bundleId);
                update.ExecuteNonQuery();
            }

            await _audit.AppendAsync(actor, "edge.bundle.revoke", $"{info.Channel}/{bundleId}", new { model = info.Model, version = info.Version, reason }, cancellationToken).ConfigureAwait(false);
            return Find(bundleId)!;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The revocation list devices apply.</summary>
    public BundleRevocations Revocations() => new() { Bundles = List().Where(b => b.RevokedAt is not null).Select(b => b.BundleId).ToHashSet(StringComparer.Ordinal) };

    /// <summary>
    /// Records (or refreshes) a device. The body must be signed with the private part of the public key it carries, and
    /// the first registration binds the device id to that key: another key registering the same id is refused (409), so
    /// nobody can take over a device's telemetry by registering it first with a key of their own. Audited the first time
    /// and when the channel changes.
    /// </summary>
    public async Task RegisterAsync(DeviceRegistration registration, ReadOnlyMemory<byte> body, string? signature, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (!BundleNames.IsValidReferenceName(registration.DeviceId) || !BundleNames.IsValidReferenceName(registration.Channel))
        {
            throw WardenException.BadRequest("device id and channel must be 1-100 letters, digits, '.', '_' or '-'");
        }

        if (string.IsNullOrWhiteSpace(registration.PublicKey))
        {
            throw WardenException.BadRequest("registration needs the device's P-256 public key (publicKey, PEM) and a signature of the body with it (header " + DeviceSignature.Header + ")");
        }

        string keyId;
        try
        {
            using var key = EcKeys.LoadSigningKey(registration.PublicKey);
            keyId = EcKeys.KeyId(key);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw WardenException.BadRequest($"publicKey is not a P-256 public key in PEM: {ex.Message}");
        }

        if (!DeviceSignature.Verify(registration.PublicKey, body.Span, signature))
        {
            throw new WardenException(403, $"the registration is not signed with the key it carries ({keyId}); sign the body with the device key (header {DeviceSignature.Header})");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var connection = Open();
            var existing = FindDevice(connection, registration.DeviceId);
            if (existing is { KeyId: { } boundKey, PublicKey: not null } && boundKey != keyId)
            {
                throw WardenException.Conflict($"device '{registration.DeviceId}' is bound to another device key ({boundKey}); a device id cannot be registered with a second key");
            }

            using var upsert = connection.CreateCommand();
            upsert.CommandText = """
                INSERT INTO edge_devices (device_id, channel, key_id, registered_by, last_seen, public_key) VALUES ($id, $channel, $key, $by, $at, $pem)
                ON CONFLICT(device_id) DO UPDATE SET channel = $channel, key_id = $key, public_key = $pem, last_seen = $at
                """;
            upsert.Parameters.AddWithValue("$id", registration.DeviceId);
            upsert.Parameters.AddWithValue("$channel", registration.Channel);
            upsert.Parameters.AddWithValue("$key", keyId);
            upsert.Parameters.AddWithValue("$by", actor);
            upsert.Parameters.AddWithValue("$at", _time.GetUtcNow().ToUnixTimeMilliseconds());
            upsert.Parameters.AddWithValue("$pem", registration.PublicKey);
            upsert.ExecuteNonQuery();
            if (existing is null || existing.Value.Channel != registration.Channel || existing.Value.PublicKey is null)
            {
                await _audit.AppendAsync(actor, "edge.device.register", registration.DeviceId, new { channel = registration.Channel, key_id = keyId }, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Releases a device id from the key it is bound to, so a re-provisioned device (a new device key) can register under
    /// the same id. The device's telemetry stays; until it registers again, telemetry for it is refused (403). Audited with
    /// the key that was released. 404 for an unknown device.
    /// </summary>
    /// <returns>The key id that was released, or null when the device was not bound to a key.</returns>
    public async Task<string?> UnbindAsync(string deviceId, string actor, string? reason, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var connection = Open();
            var existing = FindDevice(connection, deviceId) ?? throw WardenException.NotFound($"device '{deviceId}' is not registered");
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE edge_devices SET key_id = NULL, public_key = NULL WHERE device_id = $id";
            update.Parameters.AddWithValue("$id", deviceId);
            update.ExecuteNonQuery();
            await _audit.AppendAsync(actor, "edge.device.unbind", deviceId, new { channel = existing.Channel, key_id = existing.KeyId, reason }, cancellationToken).ConfigureAwait(false);
            return existing.KeyId;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Where the age of arriving telemetry is recorded (set by the host; null records nothing).</summary>
    public Warden.Core.Telemetry.WardenMetrics? Metrics { get; init; }

    /// <summary>
    /// Stores telemetry records not seen before; a (device, epoch, sequence) already stored counts as a duplicate. The body
    /// must be signed by the key the device was registered with (403 otherwise, and for devices never registered).
    /// Prediction records new to the server also go to its prediction log (and usage counts), marked with the device
    /// (<see cref="TelemetryPredictions"/>), before the telemetry commits: a failed log write stores nothing, and the
    /// device sends the batch again.
    /// </summary>
    public async Task<TelemetryAck> AcceptTelemetryAsync(ReadOnlyMemory<byte> body, string? signature, CancellationToken cancellationToken = default)
    {
        TelemetryBatch? batch;
        try
        {
            batch = JsonSerializer.Deserialize<TelemetryBatch>(body.Span, Json);
        }
        catch (JsonException ex)
        {
            throw WardenException.BadRequest($"telemetry is not a valid batch: {ex.Message}");
        }

        if (batch is null || string.IsNullOrEmpty(batch.DeviceId))
        {
            throw WardenException.BadRequest("telemetry without a device id");
        }

        var epoch = batch.Epoch ?? "";
        if (epoch.Length > 64 || epoch.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
        {
            throw WardenException.BadRequest("epoch must be at most 64 letters, digits or '-'");
        }

        if (batch.Records is null)
        {
            throw WardenException.BadRequest("telemetry without records (send \"records\": [] for none)");
        }

        for (var i = 0; i < batch.Records.Count; i++)
        {
            if (batch.Records[i] is not { Kind: not null })
            {
                throw WardenException.BadRequest($"records[{i}] is null or has no kind");
            }
        }

        using var connection = Open();
        var device = FindDevice(connection, batch.DeviceId);
        if (device is not { PublicKey: { } publicKey })
        {
            throw new WardenException(403, $"device '{batch.DeviceId}' is not registered with a device key; register it (POST /edge/devices) before sending telemetry");
        }

        if (!DeviceSignature.Verify(publicKey, body.Span, signature))
        {
            throw new WardenException(403, $"telemetry for device '{batch.DeviceId}' must be signed with its device key ({device.Value.KeyId}) in header {DeviceSignature.Header}");
        }

        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT OR IGNORE INTO edge_telemetry_v2 VALUES ($device, $epoch, $seq, $time, $kind, $data, $received)";
        insert.Parameters.AddWithValue("$device", batch.DeviceId);
        insert.Parameters.AddWithValue("$epoch", epoch);
        var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
        var time = insert.Parameters.Add("$time", SqliteType.Integer);
        var kind = insert.Parameters.Add("$kind", SqliteType.Text);
        var data = insert.Parameters.Add("$data", SqliteType.Text);
        insert.Parameters.AddWithValue("$received", _time.GetUtcNow().ToUnixTimeMilliseconds());
        var ack = new TelemetryAck();
        var predictions = new List<StoredPrediction>();
        foreach (var record in batch.Records)
        {
            seq.Value = record.Sequence;
            time.Value = record.Time.ToUnixTimeMilliseconds();
            kind.Value = record.Kind;
            data.Value = record.Data is { } d ? d.GetRawText() : DBNull.Value;
            if (insert.ExecuteNonQuery() == 1)
            {
                Metrics?.RecordEdgeTelemetryLag((_time.GetUtcNow() - record.Time).TotalSeconds);
                ack.Accepted++;
                if (TelemetryPredictions.Read(batch.DeviceId, record) is { } prediction)
                {
                    predictions.Add(prediction);
                }
            }
            else
            {
                ack.Duplicates++;
            }
        }

        if (predictions.Count > 0 && _predictions is not null)
        {
            try
            {
                await _predictions.WriteBatchAsync(predictions, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new WardenException(503, $"the prediction log could not take the device's predictions ({ex.Message}); send the batch again");
            }

            foreach (var prediction in predictions)
            {
                // Counted in the hour the device answered, not the hour the batch arrived (a device may be offline for days).
                _usage?.Request(prediction.KeyId, prediction.Model, prediction.Purpose, prediction.Time);
            }
        }

        transaction.Commit();
        return ack;
    }

    /// <summary>A device's telemetry in arrival order (sequence order within an epoch).</summary>
    public IReadOnlyList<TelemetryRecord> Telemetry(string deviceId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, time, kind, data, epoch FROM edge_telemetry_v2 WHERE device_id = $device ORDER BY rowid";
        command.Parameters.AddWithValue("$device", deviceId);
        using var reader = command.ExecuteReader();
        var result = new List<TelemetryRecord>();
        while (reader.Read())
        {
            result.Add(new TelemetryRecord
            {
                Sequence = reader.GetInt64(0),
                Time = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                Kind = reader.GetString(2),
                Data = reader.IsDBNull(3) ? null : JsonDocument.Parse(reader.GetString(3)).RootElement.Clone(),
                Epoch = reader.GetString(4),
            });
        }

        return result;
    }

    public void Dispose()
    {
        _trusted.Dispose();
        _gate.Dispose();
    }

    private string BundlePath(string bundleId) => Path.Combine(_root, "bundles", bundleId + ".wdn");

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static (string Channel, string? KeyId, string? PublicKey)? FindDevice(SqliteConnection connection, string deviceId)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT channel, key_id, public_key FROM edge_devices WHERE device_id = $id";
        select.Parameters.AddWithValue("$id", deviceId);
        using var reader = select.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)) : null;
    }

    private static EdgeBundleInfo ReadInfo(SqliteDataReader r) => new()
    {
        BundleId = r.GetString(0),
        Model = r.GetString(1),
        Version = r.GetString(2),
        Channel = r.GetString(3),
        Sha256 = r.GetString(4),
        SizeBytes = r.GetInt64(5),
        SignerKeyId = r.GetString(6),
        Encrypted = r.GetInt64(7) == 1,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)),
        ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9)),
        UploadedBy = r.GetString(10),
        UploadedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(11)),
        RevokedAt = r.IsDBNull(12) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(12)),
    };
}
