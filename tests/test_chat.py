"""The chat template (`model.chat_template`) and the reward position, on tokenizers built here the way the two
awkward real cases ship: Llama-2 (no template, no chatml tokens, no pad) and Qwen2.5 (a template that adds a
default system turn, pad = eos = `<|endoftext|>`)."""

import pytest

from eax.chat import CHATML_TEMPLATE, IM_END, IM_START, as_chat, stop_token_ids, use_chat_model, use_chat_template
from eax.errors import UserInputError

TEXTS = ["Hello world.", "Hallo Welt.", "Bonjour le monde.", "Translate the following text"] * 5
QWEN_TEMPLATE = (
    "{% if messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are "
    "a helpful assistant.<|im_end|>\\n' }}{% endif %}"
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def bpe_tokenizer(special_tokens: list[str], **tokens):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE(unk_token=tokens.get("unk_token")))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    backend.train_from_iterator(TEXTS, trainers.BpeTrainer(vocab_size=300, special_tokens=special_tokens,
                                                           initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                                           show_progress=False))
    return PreTrainedTokenizerFast(tokenizer_object=backend, model_input_names=["input_ids", "attention_mask"],
                                   **tokens)


def llama2_like():
    """`<s>`/`</s>`, no pad, no chat template, no chatml tokens."""
    return bpe_tokenizer(["<unk>", "<s>", "</s>"], unk_token="<unk>", bos_token="<s>", eos_token="</s>")


def qwen25_like():
    tokenizer = bpe_tokenizer(["<|endoftext|>", IM_START, IM_END], eos_token="<|endoftext|>",
                              pad_token="<|endoftext|>")
    tokenizer.chat_template = QWEN_TEMPLATE
    return tokenizer


def tiny_llama(tokenizer):
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    return LlamaForCausalLM(LlamaConfig(vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32,
                                        num_hidden_layers=1, num_attention_heads=2, max_position_embeddings=64))


def test_chatml_on_a_llama2_like_tokenizer_adds_the_tokens_and_resizes_the_model(tmp_path):
    tokenizer = llama2_like()
    model = tiny_llama(tokenizer)
    before = model.get_input_embeddings().num_embeddings
    use_chat_model(model, tokenizer, "chatml")
    assert model.get_input_embeddings().num_embeddings == before + 2 == len(tokenizer)
    assert tokenizer.eos_token == IM_END and tokenizer.pad_token == "</s>"  # pad never equals eos
    assert model.config.eos_token_id == tokenizer.convert_tokens_to_ids(IM_END)
    assert as_chat(tokenizer, "Hi") == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    ids = tokenizer("<|im_start|>user\nHi<|im_end|>", add_special_tokens=False)["input_ids"]
    assert ids[0] == tokenizer.convert_tokens_to_ids(IM_START) and ids[-1] == tokenizer.eos_token_id  # one token each
    assert stop_token_ids(tokenizer) == [tokenizer.eos_token_id, tokenizer.convert_tokens_to_ids(IM_START)]
    tokenizer.save_pretrained(tmp_path)  # the template travels with every trained model's tokenizer
    from transformers import AutoTokenizer

    again = AutoTokenizer.from_pretrained(tmp_path)
    assert again.chat_template == CHATML_TEMPLATE and again.eos_token == IM_END
    assert use_chat_template(again, "chatml") == 0  # already chatml: nothing added, nothing changed


def test_the_model_mode_refuses_a_tokenizer_without_a_template():
    with pytest.raises(UserInputError, match="model.chat_template.*ships none.*use `chatml`"):
        use_chat_template(llama2_like(), "model", "meta-llama/Llama-2-7b-hf")


def test_chatml_drops_qwens_default_system_turn_and_makes_im_end_the_eos():
    tokenizer = qwen25_like()
    assert "You are Qwen" in as_chat(tokenizer, "Hi")
    assert use_chat_template(tokenizer, "chatml") == 0  # Qwen has the tokens already
    assert as_chat(tokenizer, "Hi") == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    assert tokenizer.eos_token == IM_END and tokenizer.pad_token == "<|endoftext|>"


def test_the_model_mode_keeps_qwens_template_but_separates_pad_from_eos():
    tokenizer = qwen25_like()
    use_chat_template(tokenizer, "model")
    assert "You are Qwen" in as_chat(tokenizer, "Hi")
    assert tokenizer.pad_token != tokenizer.eos_token


def test_the_reward_is_read_at_the_end_of_turn_token_even_where_pad_equals_eos():
    """A reward model whose pad is its eos: the classifier's own pooling would read the candidate's last word."""
    import torch
    from transformers import Qwen2Config, Qwen2ForSequenceClassification

    from eax.scoring import reward_scores

    tokenizer = qwen25_like()
    tokenizer.eos_token = IM_END
    tokenizer.pad_token = IM_END
    tokenizer.chat_template = CHATML_TEMPLATE
    tokenizer.padding_side = "right"
    torch.manual_seed(0)
    model = Qwen2ForSequenceClassification(Qwen2Config(
        vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
        num_key_value_heads=1, num_labels=1, pad_token_id=tokenizer.pad_token_id)).eval()
    prompts, candidates = ["Translate: Hallo Welt."] * 2, ["Hello world.", "Hello."]
    scores = reward_scores(model, tokenizer, prompts, candidates, batch_size=2)
    for prompt, candidate, score in zip(prompts, candidates, scores):
        ids = tokenizer(as_chat(tokenizer, prompt) + candidate + IM_END, add_special_tokens=False,
                        return_tensors="pt")["input_ids"]
        with torch.inference_mode():
            values = model.score(model.model(input_ids=ids).last_hidden_state)[0, :, 0]
            pooled = model(input_ids=ids).logits[0, 0]
        assert ids[0, -1] == tokenizer.eos_token_id
        assert score == pytest.approx(values[-1].item(), abs=1e-5)  # at the appended <|im_end|>
        assert score != pytest.approx(values[-2].item(), abs=1e-5)  # not at the candidate's last token,
        assert pooled.item() == pytest.approx(values[-2].item(), abs=1e-5)  # which is where pad = eos pooling reads
