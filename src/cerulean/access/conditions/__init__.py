"""Azure ABAC condition language 2.0: tokens → lexer → parser → nodes → evaluator → printer."""

from cerulean.access.conditions.attributes import (
    REGISTRY_NAME,
    REPOSITORY_NAME,
    SUB_OPERATION,
    UTC_NOW,
    Attributes,
    AttributeSource,
    AttributeValue,
    attribute_key,
)
from cerulean.access.conditions.compiler import (
    ClauseFailure,
    CompiledCondition,
    compile_condition,
)
from cerulean.access.conditions.errors import (
    ConditionError,
    ConditionLimitError,
    ConditionParseError,
    ConditionSyntaxError,
    ConditionTypeError,
)
from cerulean.access.conditions.evaluator import EvalContext, UnknownAttributeError
from cerulean.access.conditions.lexer import MAX_LENGTH, MAX_TOKENS
from cerulean.access.conditions.nodes import Node
from cerulean.access.conditions.parser import MAX_DEPTH, parse
from cerulean.access.conditions.printer import pretty, to_text

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_TOKENS",
    "REGISTRY_NAME",
    "REPOSITORY_NAME",
    "SUB_OPERATION",
    "UTC_NOW",
    "AttributeSource",
    "AttributeValue",
    "Attributes",
    "ClauseFailure",
    "CompiledCondition",
    "ConditionError",
    "ConditionLimitError",
    "ConditionParseError",
    "ConditionSyntaxError",
    "ConditionTypeError",
    "EvalContext",
    "Node",
    "UnknownAttributeError",
    "attribute_key",
    "compile_condition",
    "parse",
    "pretty",
    "to_text",
]
