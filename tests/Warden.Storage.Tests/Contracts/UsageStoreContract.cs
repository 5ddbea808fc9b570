using Warden.Core.Usage;

namespace Warden.Storage.Tests.Contracts;

public abstract class UsageStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : StorageBackend, new()
{
    [Fact]
    public async Task Counts_of_the_same_hour_key_model_and_purpose_add_up()
    {
        var hour = DateTimeOffset.FromUnixTimeSeconds(T0.ToUnixTimeSeconds() / 3600 * 3600);
        await Backend.Usage().AddAsync([new UsageCount(hour, "k1", "a", "scoring", 3, 1, 0), new UsageCount(hour, "k2", "a", "", 1, 0, 0)], Ct);
        await Backend.Usage().AddAsync([new UsageCount(hour, "k1", "a", "scoring", 2, 0, 1), new UsageCount(hour.AddHours(1), "k1", "b", "", 5, 0, 0)], Ct);

        var k1 = await Backend.Usage().QueryAsync("k1", null, hour.AddMinutes(30), Ct);
        Assert.Equal([new UsageCount(hour, "k1", "a", "scoring", 5, 1, 1), new UsageCount(hour.AddHours(1), "k1", "b", "", 5, 0, 0)], k1);
        Assert.Equal(2, (await Backend.Usage().QueryAsync(null, "a", hour, Ct)).Count);
        Assert.Single(await Backend.Usage().QueryAsync(null, null, hour.AddHours(1), Ct));
    }

    [Fact]
    public async Task Refusals_of_the_same_hour_key_model_reason_and_status_add_up()
    {
        var hour = DateTimeOffset.FromUnixTimeSeconds(T0.ToUnixTimeSeconds() / 3600 * 3600);
        await Backend.Usage().AddRefusalsAsync([new RefusalCount(hour, "k1", "a", "rate-limit", 429, 3), new RefusalCount(hour, "k1", "a", "bind", 400, 1)], Ct);
        await Backend.Usage().AddRefusalsAsync([new RefusalCount(hour, "k1", "a", "rate-limit", 429, 2), new RefusalCount(hour.AddHours(1), "k2", "b", "usage-policy", 403, 4)], Ct);

        var k1 = await Backend.Usage().QueryRefusalsAsync("k1", null, hour.AddMinutes(30), Ct);
        Assert.Equal([new RefusalCount(hour, "k1", "a", "bind", 400, 1), new RefusalCount(hour, "k1", "a", "rate-limit", 429, 5)], k1);
        Assert.Equal([new RefusalCount(hour.AddHours(1), "k2", "b", "usage-policy", 403, 4)], await Backend.Usage().QueryRefusalsAsync(null, "b", hour, Ct));
        Assert.Single(await Backend.Usage().QueryRefusalsAsync(null, null, hour.AddHours(1), Ct));
        Assert.Empty(await Backend.Usage().QueryRefusalsAsync(null, null, hour.AddHours(2), Ct));
    }
}
