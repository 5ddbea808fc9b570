using System.Net;
using System.Text.Json;
using Warden.Server.Tests.Infrastructure;
using static Warden.Server.Tests.Policies.PolicyTestKeys;

namespace Warden.Server.Tests.Policies;

/// <summary>
/// Issue 17 item 3: before, a consumer could label another key's prediction (<c>matched: 1</c>), and a request id reused
/// by another key was stored twice with one label for both. Ids are now namespaced by key.
/// </summary>
public sealed class FeedbackOwnershipTests
{
    [Fact]
    public async Task A_consumer_cannot_label_another_keys_prediction()
    {
        using var factory = new WardenFactory();
        using var alice = factory.Authorized(await CreateAsync(factory, new { name = "alice", role = "consumer", models = new[] { "credit-risk" } }));
        using var mallory = factory.Authorized(await CreateAsync(factory, new { name = "mallory", role = "consumer", models = new[] { "credit-risk" } }));
        Assert.Equal(HttpStatusCode.OK, (await alice.InferAsync(V2Requests.CreditRisk(id: "loan-1"))).StatusCode);

        var forged = await (await mallory.PostJsonAsync("/api/models/credit-risk/feedback", new { id = "loan-1", label = "yes" })).ReadJsonAsync();
        var own = await (await alice.PostJsonAsync("/api/models/credit-risk/feedback", new { id = "loan-1", label = "no" })).ReadJsonAsync();

        Assert.Equal(0, forged.GetProperty("matched").GetInt32());
        Assert.Equal(0, forged.GetProperty("accepted").GetInt32());
        Assert.Equal("loan-1", forged.GetProperty("unmatched")[0].GetString());
        Assert.Equal(1, own.GetProperty("matched").GetInt32());
        Assert.Equal(["no"], await LabelsAsync(factory, "loan-1"));
    }

    [Fact]
    public async Task The_same_request_id_from_two_keys_keeps_two_predictions_with_their_own_labels()
    {
        using var factory = new WardenFactory();
        using var alice = factory.Authorized(await CreateAsync(factory, new { name = "alice", role = "consumer", models = new[] { "credit-risk" } }));
        using var bob = factory.Authorized(await CreateAsync(factory, new { name = "bob", role = "consumer", models = new[] { "credit-risk" } }));
        Assert.Equal(HttpStatusCode.OK, (await alice.InferAsync(V2Requests.CreditRisk(id: "42"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.InferAsync(V2Requests.CreditRisk(id: "42"))).StatusCode);

        Assert.Equal(1, (await (await alice.PostJsonAsync("/api/models/credit-risk/feedback", new { id = "42", label = "yes" })).ReadJsonAsync()).GetProperty("matched").GetInt32());
        Assert.Equal(1, (await (await bob.PostJsonAsync("/api/models/credit-risk/feedback", new { id = "42", label = "no" })).ReadJsonAsync()).GetProperty("matched").GetInt32());
        Assert.Equal(["no", "yes"], (await LabelsAsync(factory, "42")).Order(StringComparer.Ordinal));

        // A labeller must say whose "42" it means: 409 without "key".
        using var admin = factory.Admin();
        using var ambiguous = await admin.PostJsonAsync("/api/models/credit-risk/feedback", new { id = "42", label = "yes" });
        Assert.Equal(HttpStatusCode.Conflict, ambiguous.StatusCode);
    }

    [Fact]
    public async Task A_reviewer_labels_any_prediction_naming_the_key_when_the_id_is_shared()
    {
        using var factory = new WardenFactory();
        var aliceKey = await CreateAsync(factory, new { name = "alice", role = "consumer", models = new[] { "credit-risk" } });
        using var alice = factory.Authorized(aliceKey);
        using var bob = factory.Authorized(await CreateAsync(factory, new { name = "bob", role = "consumer", models = new[] { "credit-risk" } }));
        using var reviewer = factory.Authorized(await CreateAsync(factory, new { name = "rev", role = "reviewer", models = new[] { "credit-risk" } }));
        Assert.Equal(HttpStatusCode.OK, (await alice.InferAsync(V2Requests.CreditRisk(id: "7"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.InferAsync(V2Requests.CreditRisk(id: "7"))).StatusCode);
        var keys = await (await factory.Admin().GetAsync("/api/keys")).ReadJsonAsync();
        var aliceId = keys.EnumerateArray().Single(k => k.GetProperty("name").GetString() == "alice").GetProperty("id").GetString();

        var labelled = await (await reviewer.PostJsonAsync("/api/models/credit-risk/feedback", new { id = "7", label = "yes", key = aliceId })).ReadJsonAsync();

        Assert.Equal(1, labelled.GetProperty("matched").GetInt32());
        Assert.Equal(["yes"], await LabelsAsync(factory, "7"));
    }

    [Fact]
    public async Task A_null_key_is_read_as_absent()
    {
        // Generated clients send unset optional members as null.
        using var factory = new WardenFactory();
        using var alice = factory.Authorized(await CreateAsync(factory, new { name = "alice", role = "consumer", models = new[] { "credit-risk" } }));
        Assert.Equal(HttpStatusCode.OK, (await alice.InferAsync(V2Requests.CreditRisk(id: "n-1"))).StatusCode);

        using var response = await alice.PostJsonAsync("/api/models/credit-risk/feedback", new { items = new[] { new { id = "n-1", label = "yes", key = (string?)null } } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.ReadJsonAsync()).GetProperty("matched").GetInt32());
        Assert.Equal(["yes"], await LabelsAsync(factory, "n-1"));
    }

    private static async Task<List<string>> LabelsAsync(WardenFactory factory, string id)
    {
        var rows = await (await factory.Admin().GetAsync("/api/models/credit-risk/feedback")).ReadJsonAsync();
        return rows.EnumerateArray().Where(r => r.GetProperty("id").GetString() == id).Select(r => r.GetProperty("label").GetString()!).ToList();
    }
}
