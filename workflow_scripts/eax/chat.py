"""The chat template every model is trained and queried with (`model.chat_template`).

`chatml` is LLaMA-Factory's `template: chatml`, which the original recipe uses for every base model: a user turn
`<|im_start|>user\\n{content}<|im_end|>\\n<|im_start|>assistant\\n`, an answer ending in `<|im_end|>`, no default
system turn; `<|im_end|>` is the end of turn *and* the eos (for training, stopping and the reward position), and
`<|im_start|>` also stops generation. A base model without these tokens (Llama-2, TowerBase) gets them as
special tokens, its embeddings resized. The template is saved into every trained model's tokenizer, so vLLM and
plain transformers apply the same one. `model` keeps the tokenizer's own template (Qwen2.5's inserts a default
system turn; Llama-2 ships none, which is an error here).
"""

from __future__ import annotations

from eax.errors import UserInputError

CHAT_TEMPLATES = ("chatml", "model")
IM_START, IM_END = "<|im_start|>", "<|im_end|>"
FALLBACK_PAD = "<|endoftext|>"
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def use_chat_template(tokenizer, mode: str, source: str = "the model") -> int:
    """Make `tokenizer` speak `mode` in place; returns how many tokens were added (the embeddings must grow).

    The pad token always differs from the eos: a sequence-classification reward head reads the last non-pad
    token, which must be the end-of-turn token the reward is read at.
    """
    if mode not in CHAT_TEMPLATES:
        raise UserInputError(f"config key `model.chat_template`: {mode!r} is not one of {', '.join(CHAT_TEMPLATES)}")
    vocabulary = tokenizer.get_vocab()
    added = 0
    if mode == "chatml":
        missing = [token for token in (IM_START, IM_END) if token not in vocabulary]
        if missing:
            added += tokenizer.add_special_tokens({"additional_special_tokens": missing},
                                                  replace_additional_special_tokens=False)
        old_eos = tokenizer.eos_token
        tokenizer.eos_token = IM_END
        tokenizer.chat_template = CHATML_TEMPLATE
        if tokenizer.pad_token is None and old_eos not in (None, IM_END):
            tokenizer.pad_token = old_eos  # LLaMA-Factory would pad with <|im_end|>: see docs/faithfulness.md
    elif not tokenizer.chat_template:
        raise UserInputError(f"config key `model.chat_template`: `model` asks for the tokenizer's own template, but "
                             f"{source} ships none (Llama-2 does not); use `chatml`")
    if tokenizer.pad_token is None or tokenizer.pad_token == tokenizer.eos_token:
        if FALLBACK_PAD not in vocabulary or FALLBACK_PAD == tokenizer.eos_token:
            added += tokenizer.add_special_tokens({"pad_token": "<|pad|>"})
        else:
            tokenizer.pad_token = FALLBACK_PAD
    encode_text_as_is(tokenizer, source)
    return added


def encode_text_as_is(tokenizer, source: str = "the model") -> None:
    """Turn off a BOS (or EOS) the tokenizer adds to every text, in place.

    trl's trainers tokenize with the tokenizer's defaults, while sampling and scoring encode templated text with
    `add_special_tokens=False`: a Llama-style tokenizer that prepends BOS would train the reward model on other
    token sequences than it scores, and give SFT/DPO prompts a leading BOS that LLaMA-Factory's chatml has not.
    The chat template itself writes every special token a format needs.
    """
    for switch in ("add_bos_token", "add_eos_token"):
        if getattr(tokenizer, switch, False):
            setattr(tokenizer, switch, False)
    probe = "Hello"
    if tokenizer(probe)["input_ids"] != tokenizer(probe, add_special_tokens=False)["input_ids"]:
        raise UserInputError(f"{source}: its tokenizer adds special tokens to every text and has no add_bos_token/"
                             "add_eos_token switch to turn that off; give a tokenizer that encodes text as it is")


def use_chat_model(model, tokenizer, mode: str, source: str = "the model") -> None:
    """The tokenizer as `use_chat_template` makes it, and the model's embeddings and special ids to match."""
    use_chat_template(tokenizer, mode, source)
    if len(tokenizer) > model.get_input_embeddings().num_embeddings:
        model.resize_token_embeddings(len(tokenizer))
    model.config.eos_token_id = tokenizer.eos_token_id
    model.config.pad_token_id = tokenizer.pad_token_id
    if getattr(model, "generation_config", None) is not None:
        model.generation_config.eos_token_id = stop_token_ids(tokenizer)
        model.generation_config.pad_token_id = tokenizer.pad_token_id


def stop_token_ids(tokenizer) -> list[int]:
    """The eos, and `<|im_start|>` where the tokenizer has it (chatml's second stop word)."""
    ids = [tokenizer.eos_token_id]
    start = tokenizer.convert_tokens_to_ids(IM_START) if IM_START in tokenizer.get_vocab() else None
    return ids + ([start] if start is not None and start not in ids else [])


def as_chat(tokenizer, user_text: str) -> str:
    """One user message in the tokenizer's chat template, the answer opened (the generation prompt)."""
    messages = [{"role": "user", "content": user_text}]
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
