using Microsoft.Extensions.Options;
using Warden.Core.Audit;
using Warden.Core.Predictions;
using Warden.Core.Privacy;
using Warden.Core.Review;
using Warden.Core.Storage.Sql;

namespace Warden.Storage.Tests.Contracts;

public abstract class PayloadReencryptionContract<TBackend> : StoreContract<TBackend>
    where TBackend : StorageBackend, new()
{
    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public async Task Rows_under_an_old_key_or_in_clear_are_resealed_under_the_active_key_and_still_read_the_same()
    {
        // Predictions in clear, then predictions and a review item under key 1; key 2 becomes active.
        await new SqlPredictionStore(Backend.Shared).WriteBatchAsync([Prediction("p-clear")], Ct);
        using var keyOne = Cipher(("1", KeyA));
        await new SqlPredictionStore(Backend.Shared, keyOne).WriteBatchAsync([Prediction("p-one")], Ct);
        new ReviewStore(Backend.Shared, keyOne).Insert(new ReviewItem
        {
            Id = "r1", Model = "m", Version = "1", PredictionId = "p-one", RequesterKey = "k", Mode = "hold", Reasons = ["low"],
            InputsJson = Inputs, OutputsJson = Outputs, CreatedAt = T0, Deadline = T0.AddHours(1),
        });
        using var both = Cipher(("1", KeyA), ("2", KeyB));
        var options = Options.Create(new PrivacyOptions { ReencryptBatchSize = 1 });
        var payloads = new SqlPayloadReencryptor(Backend.Shared, both, new AuditLog(Backend.Audit(), TimeProvider.System), options, TimeProvider.System);

        var before = await payloads.CountByKeyAsync(Ct);
        var result = await payloads.ReencryptAsync("key_admin", Ct);
        var after = await payloads.CountByKeyAsync(Ct);

        Assert.Contains(before, c => c.Table == "predictions" && c.KeyId is null && c.Rows == 1);
        Assert.Contains(before, c => c.Table == "review_items" && c.KeyId == 1 && c.Rows == 1);
        Assert.Equal(2, result.Predictions);
        Assert.Equal(1, result.ReviewItems);
        Assert.Empty(result.Remaining);
        Assert.All(after, c => Assert.Equal(2, c.KeyId));

        // Only key 2 is needed now, and every payload reads back as written.
        using var keyTwo = Cipher(("2", KeyB));
        var read = await new SqlPredictionStore(Backend.Shared, keyTwo).QueryAsync(new PredictionQuery(Model: "m", Limit: 10), Ct);
        Assert.Equal(["p-clear", "p-one"], read.Select(p => p.Id).Order(StringComparer.Ordinal));
        Assert.All(read, p => Assert.Equal(Inputs, p.InputsJson));
        Assert.Equal(Inputs, new ReviewStore(Backend.Shared, keyTwo).Get("r1")!.InputsJson);
        Assert.Equal("privacy.reencrypt", (await Backend.Audit().GetLastAsync(Ct))!.Action);
    }

    [Fact]
    public async Task Rows_are_counted_per_payload_key_with_the_rows_in_clear_counted_apart()
    {
        await new SqlPredictionStore(Backend.Shared).WriteBatchAsync([Prediction("c1"), Prediction("c2")], Ct);
        using var keys = Cipher(("1", KeyA), ("2", KeyB));
        using var keyOne = Cipher(("1", KeyA));
        await new SqlPredictionStore(Backend.Shared, keyOne).WriteBatchAsync([Prediction("a1"), Prediction("a2"), Prediction("a3")], Ct);
        await new SqlPredictionStore(Backend.Shared, keys).WriteBatchAsync([Prediction("b1")], Ct);
        var payloads = new SqlPayloadReencryptor(Backend.Shared, keys, new AuditLog(Backend.Audit(), TimeProvider.System), Options.Create(new PrivacyOptions()), TimeProvider.System);

        var predictions = (await payloads.CountByKeyAsync(Ct)).Where(c => c.Table == "predictions").ToList();

        Assert.Equal([(null, 2L), (1, 3L), (2, 1L)], predictions.Select(c => (c.KeyId, c.Rows)));

        // Every prediction under the active key: nothing is counted in clear.
        await payloads.ReencryptAsync("key_admin", Ct);
        Assert.Equal([(2, 6L)], (await payloads.CountByKeyAsync(Ct)).Where(c => c.Table == "predictions").Select(c => (c.KeyId, c.Rows)));
    }

    private const string Inputs = "[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,1],\"data\":[1.5]}]";
    private const string Outputs = "[{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[1,1],\"data\":[0.25]}]";

    private static StoredPrediction Prediction(string id) => new(0, id, T0, "m", "1", "key_a", null, Inputs, Outputs, null, 1.0);

    private static PayloadCipher Cipher(params (string Id, string Key)[] keys) => new(Options.Create(new PrivacyOptions
    {
        Encryption = new PayloadProtectionOptions { ActiveKeyId = keys.Max(k => int.Parse(k.Id, System.Globalization.CultureInfo.InvariantCulture)), Keys = keys.ToDictionary(k => k.Id, k => k.Key) },
    }));
}
