using Warden.Core.Drift;

namespace Warden.Storage.Tests.Contracts;

public abstract class DriftHistoryStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : StorageBackend, new()
{
    private static DriftEvaluation Evaluation(string model, DateTimeOffset at, double lvratScore) => new()
    {
        Model = model,
        Version = "1",
        Time = at,
        WindowStart = at.AddHours(-1),
        Rows = 200,
        DriftShare = 0.25,
        DatasetDrift = false,
        Alerts = 1,
        Features = [new DriftFeatureScore("lvrat", "KolmogorovSmirnov", lvratScore, 0.05, lvratScore < 0.05), new DriftFeatureScore("empty", "Wasserstein", null, 0.1, false)],
    };

    [Fact]
    public async Task Evaluations_come_back_oldest_first_per_model_within_the_window_and_limit()
    {
        var store = Backend.DriftHistory();
        var first = await store.AppendAsync(Evaluation("a", T0, 0.5), Ct);
        await store.AppendAsync(Evaluation("b", T0.AddMinutes(10), 0.4), Ct);
        await store.AppendAsync(Evaluation("a", T0.AddMinutes(30), 0.01), Ct);
        await store.AppendAsync(Evaluation("a", T0.AddMinutes(60), 0.001), Ct);
        Assert.True(first.Id > 0);

        var all = await store.QueryAsync("a", null, 100, Ct);
        Assert.Equal([T0, T0.AddMinutes(30), T0.AddMinutes(60)], all.Select(e => e.Time));
        Assert.Equal(first with { }, all[0] with { Features = first.Features });
        Assert.Equal(first.Features, all[0].Features);
        Assert.Null(all[0].Features[1].Score);
        Assert.True(all[2].Features[0].Drifted);
        Assert.Equal(T0.AddMinutes(-60), all[0].WindowStart);

        Assert.Equal([T0.AddMinutes(30), T0.AddMinutes(60)], (await store.QueryAsync("a", T0.AddMinutes(1), 100, Ct)).Select(e => e.Time));
        Assert.Equal([T0.AddMinutes(60)], (await store.QueryAsync("a", null, 1, Ct)).Select(e => e.Time));
        Assert.Empty(await store.QueryAsync("c", null, 100, Ct));
    }
}
