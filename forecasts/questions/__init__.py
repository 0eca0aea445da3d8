"""Questions and the forecasts made on them.

``catalog`` drafts, publishes, edits (with history), closes, reopens, lists and tags questions;
``forecasting`` records forecasts and says who may see the crowd; ``crowd`` is the one rule of
who is in the crowd; ``discussion`` holds comments, shared rationales and clarifications.
"""
