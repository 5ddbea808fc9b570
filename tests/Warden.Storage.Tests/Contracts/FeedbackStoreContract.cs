using Warden.Core.Feedback;
using Warden.Core.Predictions;

namespace Warden.Storage.Tests.Contracts;

public abstract class FeedbackStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : StorageBackend, new()
{
    [Fact]
    public async Task A_later_label_replaces_the_earlier_one_and_joins_its_prediction()
    {
        await Backend.Predictions().WriteBatchAsync(
            [PredictionStoreContract<TBackend>.Prediction("p1", 1), PredictionStoreContract<TBackend>.Prediction("p2", 2)], Ct);
        var store = Backend.Feedback();
        await store.UpsertAsync([new FeedbackRecord("credit-risk", "p1", "good", "api", "key_a", T0)], Ct);
        await store.UpsertAsync([new FeedbackRecord("credit-risk", "p1", "bad", "review", "key_b", T0.AddMinutes(1))], Ct);

        var labeled = Assert.Single(await store.QueryLabeledAsync("credit-risk", null, 10, Ct));
        Assert.Equal(("p1", "bad", "review", "{\"x\":1}"), (labeled.Prediction.Id, labeled.Label, labeled.Source, labeled.Prediction.InputsJson));
        Assert.Empty(await store.QueryLabeledAsync("credit-risk", T0.AddHours(1), 10, Ct));
        Assert.Equal(1, await Backend.RetrainJobs().CountFeedbackAsync("credit-risk", null, Ct));
    }

    [Fact]
    public async Task Only_ids_logged_for_the_model_are_found()
    {
        await Backend.Predictions().WriteBatchAsync(
            [PredictionStoreContract<TBackend>.Prediction("p1", 1), PredictionStoreContract<TBackend>.Prediction("q1", 2, model: "other")], Ct);
        var found = await Backend.Feedback().FindLoggedAsync("credit-risk", ["p1", "q1", "zz"], Ct);
        Assert.Equal(["p1"], found);
    }

    [Fact]
    public async Task Owners_are_the_keys_that_logged_each_prediction_of_the_model()
    {
        await Backend.Predictions().WriteBatchAsync(
            [PredictionStoreContract<TBackend>.Prediction("p1", 1), PredictionStoreContract<TBackend>.Prediction("q1", 2, model: "other")], Ct);
        var owners = await Backend.Feedback().FindOwnersAsync("credit-risk", ["p1", "q1"], Ct);
        Assert.Equal(["key_p"], Assert.Single(owners, o => o.Key == "p1").Value);
        Assert.DoesNotContain("q1", owners.Keys);
    }
}
