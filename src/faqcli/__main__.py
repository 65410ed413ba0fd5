from faqcli.launch import main

main()
