using Warden.Core.Monitoring;
using Warden.Core.Predictions;
using Warden.Core.Storage.Sqlite;

namespace Warden.Core.Tests.Monitoring;

public sealed class LoggedColumnsTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("warden-logged-columns");
    private readonly SqlitePredictionStore _store;
    private readonly DateTimeOffset _start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private int _next;

    public LoggedColumnsTests() => _store = new SqlitePredictionStore(new SqliteDatabase(Path.Combine(_directory.FullName, "w.db")));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task Columns_hold_element_zero_of_each_tensor_like_LoggedRow()
    {
        string[] payloads =
        [
            """[{"name":"a","datatype":"FP32","shape":[1,1],"data":[1.5]},{"name":"b","datatype":"BOOL","shape":[1,1],"data":[true]}]""",
            """[{"data":[2.25],"shape":[1],"name":"a","datatype":"FP64"},{"name":"b","datatype":"BOOL","shape":[1],"data":[false]}]""",
            """[{"name":"b","datatype":"BYTES","shape":[1],"data":["3.5"]},{"name":"a","datatype":"BYTES","shape":[1],"data":["not a number"]}]""",
            """[{"name":"a","datatype":"FP32","shape":[1,2],"data":[[7,8]]},{"name":"c","datatype":"FP32","shape":[1],"data":[9]}]""",
            """[{"name":"a","datatype":"FP32","shape":[1,1],"data":[]},{"name":"b","extra":{"x":[1,{"y":2}]},"shape":[1,1],"data":[4]}]""",
        ];
        foreach (var payload in payloads)
        {
            await WriteAsync(payload, """[{"name":"p","datatype":"FP32","shape":[1,1],"data":[0.25]}]""");
        }

        var columns = await LoggedColumns.ReadAsync(_store, "m", "1", ["a", "b"], null, null, 100, TestContext.Current.CancellationToken);

        Assert.Equal(5, columns.Count);
        for (int i = 0; i < payloads.Length; i++)
        {
            var row = LoggedRow.Parse(payloads[i]);
            Assert.Equal(row.Number("a"), columns.Columns.Find("a")!.Numbers![i]);
            Assert.Equal(row.Number("b"), columns.Columns.Find("b")!.Numbers![i]);
        }

        Assert.Null(columns.Scores);
    }

    [Fact]
    public async Task Batches_shadow_traffic_other_versions_and_malformed_payloads_are_skipped()
    {
        const string one = """[{"name":"a","datatype":"FP32","shape":[1,1],"data":[1]}]""";
        await WriteAsync(one, "[]");
        await WriteAsync("""[{"name":"a","datatype":"FP32","shape":[2,1],"data":[1,2]}]""", "[]");
        await WriteAsync(one, "[]", purpose: RolloutSettings.ShadowPurpose);
        await WriteAsync(one, "[]", version: "2");
        await WriteAsync("""[{"name":"a","shape":[1,1],"data":[1""", "[]");
        await WriteAsync("""{"name":"a"}""", "[]");
        await WriteAsync("""[{"name":"a","datatype":"FP32","shape":[1,1],"data":[3]}]""", "[]");

        var columns = await LoggedColumns.ReadAsync(_store, "m", "1", ["a"], null, null, 100, TestContext.Current.CancellationToken);

        Assert.Equal([1.0, 3.0], columns.Columns.Find("a")!.Numbers!);
        Assert.Equal(["p0", "p6"], columns.Ids);
    }

    [Fact]
    public async Task Score_output_is_read_from_the_outputs_and_max_rows_and_since_bound_the_window()
    {
        for (int i = 0; i < 30; i++)
        {
            await WriteAsync($$"""[{"name":"a","datatype":"FP32","shape":[1,1],"data":[{{i}}]}]""", $$"""[{"name":"label","datatype":"BOOL","shape":[1,1],"data":[true]},{"name":"p","datatype":"FP32","shape":[1,1],"data":[{{i / 100.0}}]}]""");
        }

        // Rows are one minute apart: since = start + 10 min keeps rows 10.., and maxRows keeps the oldest 5 of those.
        var columns = await LoggedColumns.ReadAsync(_store, "m", "1", ["a", "p"], "p", _start.AddMinutes(10), 5, TestContext.Current.CancellationToken);

        Assert.Equal([10.0, 11, 12, 13, 14], columns.Columns.Find("a")!.Numbers!);
        Assert.Equal([0.10, 0.11, 0.12, 0.13, 0.14], columns.Scores!);
        Assert.Equal(columns.Scores, columns.Columns.Find("p")!.Numbers!);
    }

    private Task WriteAsync(string inputs, string outputs, string version = "1", string? purpose = null)
    {
        var i = _next++;
        return _store.WriteBatchAsync([new StoredPrediction(0, $"p{i}", _start.AddMinutes(i), "m", version, "k", purpose, inputs, outputs, null, 1.0)]);
    }
}
