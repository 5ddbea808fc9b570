using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Warden.Client;
using Warden.Contracts.V2;
using Warden.Core.Data;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden predict</c>: one prediction from JSON, or a CSV file streamed to the server in batches with a progress bar,
/// writing a CSV of the inputs and the model's outputs.
/// </summary>
internal static class PredictCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("model") { Description = "Model name" };
        var version = new Option<string?>("--version") { Description = "Model version (production by default)" };
        var input = new Option<string?>("--input") { Description = "A V2 request, or an object of feature values; inline JSON, @file, or @- for standard input" };
        var csv = new Option<FileInfo?>("--csv") { Description = "CSV file whose columns are named like the model inputs" };
        var output = new Option<FileInfo?>("--out") { Description = "CSV file for the results (default: <csv>.predictions.csv)" };
        var batch = new Option<int>("--batch-size") { Description = "Rows per request in CSV mode", DefaultValueFactory = _ => 256 };
        var purpose = new Option<string?>("--purpose") { Description = "Declared purpose sent with each request" };
        var sensitive = new Option<string[]>("--sensitive") { Description = "CSV columns sent as sensitive attributes (one request per row)", AllowMultipleArgumentsPerToken = true };
        var command = new Command("predict", "Run inference on a model") { model, version, input, csv, output, batch, purpose, sensitive };
        command.SetAction(async (parse, ct) =>
        {
            var client = context.Client(parse);
            var name = parse.GetValue(model)!;
            if (parse.GetValue(csv) is { } file)
            {
                var sensitiveColumns = (parse.GetValue(sensitive) ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
                var target = parse.GetValue(output) ?? new FileInfo(Path.ChangeExtension(file.FullName, ".predictions.csv"));
                return await PredictCsvAsync(context, client, name, parse.GetValue(version), file, target, parse.GetValue(batch), parse.GetValue(purpose), sensitiveColumns, ct);
            }

            var text = parse.GetValue(input) ?? throw new CliException("give --input JSON (or @file) or --csv FILE");
            var request = await BuildRequestAsync(client, name, parse.GetValue(version), ReadJson(context, text), parse.GetValue(purpose), ct);
            var response = await client.InferAsync(name, request, parse.GetValue(version), ct);
            context.WriteJson(response);
            return 0;
        });
        return command;
    }

    private static async Task<int> PredictCsvAsync(
        CliContext context, WardenClient client, string model, string? version, FileInfo file, FileInfo target, int batchSize, string? purpose, string[] sensitive, CancellationToken ct)
    {
        if (!file.Exists)
        {
            throw new CliException($"CSV file '{file.FullName}' does not exist");
        }

        if (batchSize is < 1 or > 100_000)
        {
            throw new CliException("--batch-size must be between 1 and 100000");
        }

        var metadata = await client.GetModelMetadataAsync(model, version, ct);
        var table = CsvTable.Read(file.FullName);
        var missing = metadata.Inputs.Where(i => !table.HasColumn(i.Name)).Select(i => i.Name).ToList();
        if (missing.Count > 0)
        {
            throw new CliException($"the CSV lacks columns for model inputs: {string.Join(", ", missing)}");
        }

        foreach (var column in sensitive)
        {
            if (!table.HasColumn(column))
            {
                throw new CliException($"sensitive column '{column}' is not in the CSV");
            }
        }

        // Sensitive attributes are request-level parameters, so rows that carry them go one per request.
        var step = sensitive.Length > 0 ? 1 : batchSize;
        var rows = table.RowCount;
        var results = new List<string>[rows];
        var outputNames = new List<string>();
        // The progress bar is for a person at a terminal; piped or redirected, it would only add noise to the output.
        var progress = context.Console.Progress().AutoClear(false);
        await (context.Console.Profile.Capabilities.Interactive
            ? progress.StartAsync(ctx => RunBatchesAsync(ctx.AddTask($"predicting {rows} rows", maxValue: rows).Increment))
            : RunBatchesAsync(_ => { }));

        async Task RunBatchesAsync(Action<double> advance)
        {
            for (var start = 0; start < rows; start += step)
            {
                var count = Math.Min(step, rows - start);
                var request = new InferenceRequest { Inputs = metadata.Inputs.Select(i => ColumnInput(i, table.Column(i.Name), start, count, CsvCell(i.Name))).ToList() };
                var parameters = new Dictionary<string, object>();
                if (purpose is not null)
                {
                    parameters["purpose"] = purpose;
                }

                foreach (var column in sensitive)
                {
                    parameters["sensitive." + column] = table.Column(column)[start];
                }

                request.Parameters = parameters.Count > 0 ? parameters : null;
                var response = await client.InferAsync(model, request, version, ct);
                if (outputNames.Count == 0)
                {
                    outputNames.AddRange(response.Outputs.Select(o => o.Name));
                }

                var texts = response.Outputs.Select(o => o.Data.ToStringArray()).ToList();
                for (var r = 0; r < count; r++)
                {
                    results[start + r] = texts.Select(t => RowValue(t, r, count)).ToList();
                }

                advance(count);
            }
        }

        await using (var writer = new StreamWriter(target.FullName, false, new UTF8Encoding(false)))
        {
            await writer.WriteLineAsync(string.Join(",", table.ColumnNames.Concat(outputNames).Select(Quote)));
            for (var r = 0; r < rows; r++)
            {
                await writer.WriteLineAsync(string.Join(",", table.ColumnNames.Select(c => Quote(table.Column(c)[r])).Concat(results[r].Select(Quote))));
            }
        }

        context.Console.MarkupLine($"wrote {rows} predictions to [bold]{Markup.Escape(target.FullName)}[/]");
        return 0;
    }

    private static InferenceInput ColumnInput(TensorMetadata input, string[] column, int start, int count, Func<int, string> where)
    {
        var shape = input.Shape.Length switch
        {
            1 => new long[] { count },
            2 when input.Shape[1] is 1 or -1 => [count, 1],
            _ => throw new CliException($"input '{input.Name}' has shape [{string.Join(",", input.Shape)}]; CSV mode needs one value per row ([-1] or [-1,1])"),
        };
        var cells = Enumerable.Range(start, count);
        TensorData data = input.Datatype switch
        {
            "BYTES" => cells.Select(i => column[i]).ToArray(),
            "BOOL" => cells.Select(i => ParseBool(column[i], where(i))).ToArray(),
            _ when input.Datatype.StartsWith("FP", StringComparison.Ordinal) => cells.Select(i => ParseNumber(input, column[i], where(i))).ToArray(),
            _ => cells.Select(i => ParseInteger(input, column[i], where(i))).ToArray(),
        };
        return new InferenceInput { Name = input.Name, Datatype = input.Datatype, Shape = shape, Data = data };
    }

    // `where` names the value as the user wrote it: a CSV row and column, or a feature of the JSON input.
    private static bool ParseBool(string cell, string where) => cell.Trim().ToUpperInvariant() switch
    {
        "TRUE" or "YES" or "1" => true,
        "FALSE" or "NO" or "0" => false,
        _ => throw new CliException($"{where}: '{cell}' is not a boolean"),
    };

    private static double ParseNumber(TensorMetadata input, string cell, string where) =>
        YesNo(cell) ?? (double.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new CliException($"{where}: '{cell}' is not a number ({input.Datatype})"));

    private static long ParseInteger(TensorMetadata input, string cell, string where) =>
        YesNo(cell) is { } flag ? (long)flag : long.TryParse(cell.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer)
            ? integer
            : throw new CliException($"{where}: '{cell}' is not a number ({input.Datatype})");

    // yes/no columns (as in the HMDA data) feed numeric inputs as 1/0.
    private static double? YesNo(string cell) => cell.Trim() switch
    {
        var t when t.Equals("yes", StringComparison.OrdinalIgnoreCase) => 1,
        var t when t.Equals("no", StringComparison.OrdinalIgnoreCase) => 0,
        _ => null,
    };

    private static string RowValue(string[] values, int row, int rows)
    {
        var perRow = rows == 0 ? 0 : values.Length / rows;
        return string.Join(";", values.AsSpan(row * perRow, perRow).ToArray());
    }

    internal static InferenceRequest BuildRequest(JsonElement json, ModelMetadata? metadata, string? purpose)
    {
        InferenceRequest request;
        if (IsV2Request(json))
        {
            request = json.Deserialize(WardenJsonContext.Default.InferenceRequest) ?? throw new CliException("the request JSON is empty");
        }
        else if (json.ValueKind == JsonValueKind.Object && metadata is not null)
        {
            request = new InferenceRequest
            {
                Inputs = metadata.Inputs.Select(i =>
                {
                    if (!json.TryGetProperty(i.Name, out var value))
                    {
                        throw new CliException($"missing feature '{i.Name}'; the model expects: {string.Join(", ", metadata.Inputs.Select(x => x.Name))}");
                    }

                    var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
                    return ColumnInput(i, [text], 0, 1, _ => $"--input feature '{i.Name}'");
                }).ToList(),
            };
        }
        else
        {
            throw new CliException("--input must be a JSON object");
        }

        if (purpose is not null)
        {
            request.Parameters ??= [];
            request.Parameters["purpose"] = purpose;
        }

        return request;
    }

    /// <summary>
    /// The request for <paramref name="json"/>: a V2 request is sent as it is (no metadata round trip), an object of feature
    /// values is shaped by the model's metadata.
    /// </summary>
    internal static async Task<InferenceRequest> BuildRequestAsync(
        WardenClient client, string model, string? version, JsonElement json, string? purpose, CancellationToken ct)
    {
        var metadata = IsV2Request(json) ? null : await client.GetModelMetadataAsync(model, version, ct);
        return BuildRequest(json, metadata, purpose);
    }

    private static bool IsV2Request(JsonElement json) => json.ValueKind == JsonValueKind.Object && json.TryGetProperty("inputs", out _);

    // Rows are numbered as a spreadsheet shows them (the header is row 1), which stays right when a quoted value spans lines.
    private static Func<int, string> CsvCell(string column) => row => $"CSV row {row + 2}, column '{column}'";

    /// <summary>The text of <c>--input</c>: inline JSON, <c>@path</c> for a file, or <c>@-</c> for standard input.</summary>
    internal static JsonElement ReadJson(CliContext context, string text)
    {
        var content = text switch
        {
            "@-" => context.Input.ReadToEnd(),
            ['@', .. var path] => File.Exists(path) ? File.ReadAllText(path) : throw new CliException($"--input file '{path}' does not exist"),
            _ => text,
        };
        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new CliException("--input is not valid JSON: " + ex.Message);
        }
    }

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
