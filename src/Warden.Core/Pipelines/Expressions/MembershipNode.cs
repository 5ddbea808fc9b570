namespace Warden.Core.Pipelines.Expressions;

/// <summary><c>value in [a, b, ...]</c> or <c>value not in [...]</c>; list items are literals.</summary>
internal sealed record MembershipNode(
    SourcePosition Position, ExpressionNode Value, IReadOnlyList<LiteralNode> Items, bool Negated)
    : ExpressionNode(Position)
{
    public override int Height { get; } = Value.Height + 1;

    public override SourcePosition Start => Value.Start;
}
