using Warden.Core.Retraining;

namespace Warden.Storage.Tests.Contracts;

public abstract class RetrainJobStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : StorageBackend, new()
{
    [Fact]
    public async Task Jobs_are_numbered_updated_filtered_and_keep_their_log()
    {
        var store = Backend.RetrainJobs();
        var job = await store.AddAsync(new RetrainJob(0, "a", "1", "manual", "key_a", "queued", 0, "queued", T0, null, null, null, null, "{\"csv\":1}", 0, 2.5), Ct);
        var other = await store.AddAsync(new RetrainJob(0, "b", null, "drift", "system", "queued", 0, "queued", T0, null, null, null, null, "{}", 0), Ct);
        Assert.True(other.Id > job.Id);

        var done = job with { Status = "succeeded", Progress = 1, Phase = "done", Started = T0.AddMinutes(1), Finished = T0.AddMinutes(2), ResultVersion = "2", FeedbackRows = 7 };
        await store.UpdateAsync(done, Ct);
        Assert.Equal(done, await store.GetAsync(job.Id, Ct));
        Assert.Null(await store.GetAsync(999_999, Ct));
        Assert.Equal([other.Id, job.Id], (await store.ListAsync(null, null, 10, Ct)).Select(j => j.Id));
        Assert.Equal([other.Id], (await store.ListAsync(null, ["queued"], 10, Ct)).Select(j => j.Id));
        Assert.Equal([job.Id], (await store.ListAsync("a", null, 10, Ct)).Select(j => j.Id));

        await store.AppendLogAsync(new RetrainLogLine(job.Id, T0, "first"), Ct);
        await store.AppendLogAsync(new RetrainLogLine(job.Id, T0, "second"), Ct);
        Assert.Equal(["first", "second"], (await store.LogsAsync(job.Id, Ct)).Select(l => l.Message));
    }
}
