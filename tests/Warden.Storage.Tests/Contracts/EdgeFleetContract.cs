using System.Text.Json;
using Microsoft.Extensions.Options;
using Warden.Contracts.Edge;
using Warden.Core;
using Warden.Core.Audit;
using Warden.Core.Bundles;
using Warden.Core.EdgeFleet;
using Warden.Core.Predictions;
using Warden.Core.Storage.Sql;

namespace Warden.Storage.Tests.Contracts;

public abstract class EdgeFleetContract<TBackend> : StoreContract<TBackend>
    where TBackend : StorageBackend, new()
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task A_batch_sent_to_two_replicas_at_once_is_stored_and_logged_once()
    {
        using var deviceKey = EcKeys.Generate();
        using var replicaA = Fleet();
        using var replicaB = Fleet();
        await RegisterAsync(replicaA, deviceKey, "dev-1");

        var records = Enumerable.Range(1, 20).Select(i => new TelemetryRecord
        {
            Sequence = i,
            Time = T0.AddSeconds(i),
            Kind = "prediction",
            Data = JsonSerializer.SerializeToElement(new
            {
                id = "edge-" + i,
                model = "credit-risk",
                version = "1",
                inputs = new[] { new { name = "x", datatype = "FP32", shape = new[] { 1, 1 }, data = new[] { (double)i } } },
                outputs = new[] { new { name = "y", datatype = "FP32", shape = new[] { 1, 1 }, data = new[] { 0.5 } } },
            }),
        }).ToList();
        var body = JsonSerializer.SerializeToUtf8Bytes(new TelemetryBatch { DeviceId = "dev-1", Epoch = "e1", Records = records }, Json);
        var signature = DeviceSignature.Sign(deviceKey, body);

        var acks = await Task.WhenAll(replicaA.AcceptTelemetryAsync(body, signature, Ct), replicaB.AcceptTelemetryAsync(body, signature, Ct));

        Assert.Equal(20, acks.Sum(a => a.Accepted));
        Assert.Equal(20, acks.Sum(a => a.Duplicates));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), (await replicaB.TelemetryAsync("dev-1", Ct)).Select(r => r.Sequence));
        var logged = await Backend.Predictions().QueryAsync(new PredictionQuery(Model: "credit-risk", Limit: 100), Ct);
        Assert.Equal(20, logged.Count);
        Assert.Equal(20, logged.Select(p => p.Id).Distinct().Count());
        Assert.All(logged, p => Assert.Equal("edge:dev-1:-", p.KeyId));
    }

    [Fact]
    public async Task A_device_id_bound_on_one_replica_cannot_be_registered_with_another_key_on_another()
    {
        using var owner = EcKeys.Generate();
        using var intruder = EcKeys.Generate();
        using var replicaA = Fleet();
        using var replicaB = Fleet();
        await RegisterAsync(replicaA, owner, "dev-2");

        var refused = await Assert.ThrowsAsync<WardenException>(() => RegisterAsync(replicaB, intruder, "dev-2"));

        Assert.Equal(409, refused.StatusCode);
        await RegisterAsync(replicaB, owner, "dev-2");
        var audit = await Backend.Audit().ListAsync(0, 100, Ct);
        Assert.Single(audit, e => e.Action == "edge.device.register");
    }

    private EdgeFleetService Fleet() => new(
        Backend.Shared, Backend.Blobs(), Options.Create(new EdgeFleetOptions()), new AuditLog(Backend.Audit(), TimeProvider.System), TimeProvider.System,
        new SqlPredictionStore(Backend.Shared));

    private static async Task RegisterAsync(EdgeFleetService fleet, System.Security.Cryptography.ECDsa key, string deviceId)
    {
        var registration = new DeviceRegistration { DeviceId = deviceId, Channel = "stable", KeyId = EcKeys.KeyId(key), PublicKey = EcKeys.PublicPem(key) };
        var body = JsonSerializer.SerializeToUtf8Bytes(registration, Json);
        await fleet.RegisterAsync(registration, body, DeviceSignature.Sign(key, body), "key_admin", Ct);
    }
}
