using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Client;
using Warden.Contracts.Admin;
using Warden.Contracts.Registry;

namespace Warden.Cli.Commands;

/// <summary>
/// A directory written by <c>warden train</c> or <c>warden mitigate</c>, deployed as it is (<c>warden models deploy M --dir D</c>):
/// <c>model.onnx</c> with its <c>card.json</c> and <c>background.csv</c> in the upload; then <c>reference.csv</c> as the new
/// version's drift reference and <c>group-thresholds.json</c> bound to the new version in the model's <c>group-thresholds</c>
/// settings. The two follow the upload because both name the version, which only the server assigns.
/// </summary>
internal sealed class ModelDirectory
{
    private const string GroupThresholdsKind = "group-thresholds";

    private ModelDirectory(DirectoryInfo directory)
    {
        Model = new FileInfo(Path.Combine(directory.FullName, "model.onnx"));
        Card = Optional(directory, "card.json");
        Background = Optional(directory, "background.csv");
        Reference = Optional(directory, "reference.csv");
        GroupThresholds = Optional(directory, "group-thresholds.json");
    }

    public FileInfo Model { get; }

    public FileInfo? Card { get; }

    public FileInfo? Background { get; }

    public FileInfo? Reference { get; }

    public FileInfo? GroupThresholds { get; }

    /// <summary>Reads what <paramref name="directory"/> holds; it must hold at least <c>model.onnx</c>.</summary>
    public static ModelDirectory Read(DirectoryInfo directory)
    {
        if (!directory.Exists)
        {
            throw new CliException($"directory '{directory.FullName}' does not exist");
        }

        var parts = new ModelDirectory(directory);
        return parts.Model.Exists
            ? parts
            : throw new CliException($"directory '{directory.FullName}' has no model.onnx (give a directory written by warden train or warden mitigate, or --file)");
    }

    /// <summary>
    /// Reads <c>group-thresholds.json</c> before anything is deployed, so that a broken file stops the command before the
    /// upload rather than after it.
    /// </summary>
    public JsonNode? ReadGroupThresholds()
    {
        if (GroupThresholds is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(GroupThresholds.FullName))?["thresholds"]
                ?? throw new CliException($"'{GroupThresholds.FullName}' has no \"thresholds\" object");
        }
        catch (JsonException ex)
        {
            throw new CliException($"'{GroupThresholds.FullName}' is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>Sets the version's reference from <c>reference.csv</c> (its label column as 1/0); returns what to print, or null.</summary>
    public async Task<string?> SetReferenceAsync(WardenClient client, ModelVersionInfo version, ModelCard card, CancellationToken cancellationToken)
    {
        if (Reference is null)
        {
            return null;
        }

        // warden train writes the label as 1/0 under its own column name, which the card records.
        card.Parameters.TryGetValue("label", out var label);
        var csv = await File.ReadAllTextAsync(Reference.FullName, cancellationToken);
        await client.SetReferenceAsync(version.Model, version.Version, csv, label, label is null ? null : "1", cancellationToken);
        return $"drift reference of version {version.Version} set from reference.csv" + (label is null ? "" : $" (label column '{label}')");
    }

    /// <summary>
    /// Adds <paramref name="thresholds"/> under <c>versions[version]</c> of the model's <c>group-thresholds</c> document (a new
    /// document, with <c>required: true</c>, when it has none), keeping the rules bound to other versions.
    /// </summary>
    public static async Task<string> BindGroupThresholdsAsync(WardenClient client, ModelVersionInfo version, JsonNode thresholds, CancellationToken cancellationToken)
    {
        var current = await client.GetSettingsDocumentAsync(version.Model, GroupThresholdsKind, cancellationToken);
        var document = (current is null ? null : JsonNode.Parse(current) as JsonObject) ?? new JsonObject { ["required"] = true };
        if (document["versions"] is not JsonObject versions)
        {
            versions = [];
            document["versions"] = versions;
        }

        versions[version.Version] = thresholds.DeepClone();
        await client.PutSettingsDocumentAsync(version.Model, GroupThresholdsKind, document.ToJsonString(), cancellationToken);
        return $"group thresholds from group-thresholds.json bound to version {version.Version}";
    }

    private static FileInfo? Optional(DirectoryInfo directory, string name)
    {
        var file = new FileInfo(Path.Combine(directory.FullName, name));
        return file.Exists ? file : null;
    }
}
